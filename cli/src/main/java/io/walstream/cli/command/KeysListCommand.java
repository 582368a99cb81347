package io.walstream.cli.command;

import io.walstream.archive.crypto.ArchiveKeysets;
import io.walstream.archive.crypto.KeyUsage;
import io.walstream.archive.crypto.LocalKek;
import io.walstream.archive.format.StoredKeyset;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.schemas.value.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code walstream keys list}: the archive's data keys and what uses them. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "List the archive's data keys and the segments using each.",
    description =
        "List the data keys of the archive's keyset (id, primary or not, when added), the KEK"
            + " that wraps it, and how many committed segments use each key (from the manifests;"
            + " no key needed). With --kek, also check that the KEK opens the keyset.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:listed",
      "1:other failure",
      "2:usage error",
      "4:--kek does not open the keyset"
    })
final class KeysListCommand implements Callable<Integer> {
  @Mixin VerboseOption verbose;

  @Mixin ArchiveOption archive;

  @Option(names = "--kek", paramLabel = "FILE", description = "Check that this KEK opens it.")
  Path kek;

  @Option(names = "--json", description = "Print as JSON.")
  boolean json;

  @Override
  public Integer call() {
    try (ObjectStore store = archive.open()) {
      ArchiveKeysets keysets = new ArchiveKeysets(store);
      Optional<StoredKeyset> head = keysets.head();
      if (head.isPresent() && kek != null) {
        keysets.open(head.get(), LocalKek.load(kek));
      }
      KeyUsage usage = KeyUsage.of(new ArchiveReader(store));
      Map<String, Object> out = describe(head, usage);
      if (json) {
        System.out.println(JsonOutput.write(out));
      } else {
        print(head, usage);
      }
      return ExitCode.SUCCESS.code();
    }
  }

  private Map<String, Object> describe(Optional<StoredKeyset> head, KeyUsage usage) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("encrypted", head.isPresent());
    out.put("keyset", head.map(h -> ArchiveLayout.keysetKey(h.version())).orElse(null));
    out.put("version", head.map(StoredKeyset::version).orElse(null));
    out.put("kek", head.map(StoredKeyset::kek).orElse(null));
    out.put("kekChecked", head.isPresent() && kek != null);
    List<Map<String, Object>> keys = new ArrayList<>();
    head.ifPresent(
        h ->
            h.keys()
                .forEach(
                    k -> {
                      Map<String, Object> key = new LinkedHashMap<>();
                      key.put("id", k.id());
                      key.put("primary", k.id() == h.primaryKeyId());
                      key.put("createdAt", time(k.createdMicros()));
                      key.put("segments", usage.segments().getOrDefault(k.id(), 0L));
                      key.put("snapshotChunks", usage.chunks().getOrDefault(k.id(), 0L));
                      keys.add(key);
                    }));
    out.put("keys", keys);
    out.put("plaintextSegments", usage.plaintextSegments());
    List<Long> unknown =
        java.util.stream.Stream.concat(
                usage.segments().keySet().stream(), usage.chunks().keySet().stream())
            .distinct()
            .filter(id -> head.isEmpty() || !head.get().has(id))
            .toList();
    out.put("keysMissingFromKeyset", unknown);
    return out;
  }

  private void print(Optional<StoredKeyset> head, KeyUsage usage) {
    if (head.isEmpty()) {
      System.out.printf(
          "Not encrypted: no keyset (%d plaintext segments)%n", usage.plaintextSegments());
      return;
    }
    StoredKeyset h = head.get();
    System.out.printf(
        "Keyset %s (version %d), wrapped under %s%s%n",
        ArchiveLayout.keysetKey(h.version()),
        h.version(),
        h.kek(),
        kek != null ? " (the given KEK opens it)" : "");
    for (StoredKeyset.DataKey k : h.keys()) {
      System.out.printf(
          "  key %-10d %-7s added %s  %d segments, %d snapshot chunks%n",
          k.id(),
          k.id() == h.primaryKeyId() ? "primary" : "",
          time(k.createdMicros()),
          usage.segments().getOrDefault(k.id(), 0L),
          usage.chunks().getOrDefault(k.id(), 0L));
    }
    usage.segments().keySet().stream()
        .filter(id -> !h.has(id))
        .forEach(
            id ->
                System.out.printf(
                    "  key %-10d MISSING from the keyset: %d segments cannot be read%n",
                    id, usage.segments().get(id)));
    if (usage.plaintextSegments() > 0) {
      System.out.printf(
          "  %d plaintext segments (from before encryption)%n", usage.plaintextSegments());
    }
  }

  private static String time(long micros) {
    return Values.formatTimestamp(Values.fromMicros(micros));
  }
}

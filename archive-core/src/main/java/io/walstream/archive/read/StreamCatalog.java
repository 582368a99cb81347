package io.walstream.archive.read;

import io.walstream.archive.format.CatalogCodec;
import io.walstream.archive.format.CatalogEntry;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.store.ObjectStore;
import io.walstream.schemas.error.WalstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored entries of a database's stream catalog ({@code <db>/catalog/<seq>.json}), read raw in
 * seq order: the writer appends to it, the verifier checks it. Decoding and checking are left to
 * the caller, so that a damaged entry never stops a writer from appending after it.
 */
public final class StreamCatalog {
  private StreamCatalog() {}

  /** One stored entry: its key, seq (from the key) and bytes. */
  public record Stored(String key, long seq, byte[] bytes) {
    /** SHA-256 of the bytes: what the next entry links to. */
    public String sha256() {
      return Sha256.hex(bytes);
    }

    /** The decoded entry, or empty when it does not decode (the verifier says why). */
    public Optional<CatalogEntry> decoded() {
      try {
        return Optional.of(CatalogCodec.decode(bytes, key));
      } catch (WalstreamException e) {
        return Optional.empty();
      }
    }

    /** Whether this entry decodes and names {@code stream}. */
    public boolean names(StreamId stream) {
      return decoded().map(e -> e.stream().equals(stream)).orElse(false);
    }
  }

  /**
   * Every entry of {@code database}'s catalog, in seq order; keys under the catalog prefix that are
   * not catalog entries are left out (the verifier reports them).
   */
  public static List<Stored> read(ArchiveReader reader, String database) {
    ObjectStore store = reader.store();
    List<String> keys = new ArrayList<>();
    reader.forEachKey(
        ArchiveLayout.catalogPrefix(database),
        object -> {
          if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.Catalog) {
            keys.add(object.key());
          }
        });
    List<Stored> entries = new ArrayList<>();
    for (String key : keys) {
      ArchiveKey.Catalog parsed = (ArchiveKey.Catalog) ArchiveLayout.parse(key).orElseThrow();
      // An entry listed but gone when read is a hole like any other; the verifier reports it.
      store.readAll(key).ifPresent(bytes -> entries.add(new Stored(key, parsed.seq(), bytes)));
    }
    return entries;
  }
}

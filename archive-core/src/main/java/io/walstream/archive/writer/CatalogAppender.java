package io.walstream.archive.writer;

import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.format.CatalogCodec;
import io.walstream.archive.format.CatalogEntry;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StreamCatalog;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.schemas.Version;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Adds a stream to its database's catalog before the stream's first manifest is claimed, so that
 * which streams a database has is itself hash-chained: each entry is claimed with put-if-absent at
 * the next seq and links to the entry before it. Writers of different streams of one database race
 * for a seq like writers of one stream race for a manifest: the loser reads the catalog again and
 * claims the next seq (or finds its stream added meanwhile).
 */
final class CatalogAppender {
  private static final int MAX_ATTEMPTS = 50;

  private final ObjectStore store;
  private final ArchiveReader reader;
  private final String writerId;
  private final io.walstream.archive.crypto.ManifestSigner signer;

  CatalogAppender(
      ObjectStore store,
      ArchiveReader reader,
      String writerId,
      io.walstream.archive.crypto.ManifestSigner signer) {
    this.store = store;
    this.reader = reader;
    this.writerId = writerId;
    this.signer = signer;
  }

  /** Makes sure {@code stream} has a catalog entry; claims one when it has none. */
  void ensureCatalogued(StreamId stream) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      List<StreamCatalog.Stored> entries = StreamCatalog.read(reader, stream.database());
      if (entries.stream().anyMatch(e -> e.names(stream))) {
        return;
      }
      StreamCatalog.Stored last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
      CatalogEntry entry =
          new CatalogEntry(
              CatalogEntry.FORMAT_VERSION,
              last == null ? 0 : last.seq() + 1,
              stream,
              last == null ? null : last.sha256(),
              Version.current(),
              writerId);
      if (claim(entry)) {
        return;
      }
    }
    throw new IllegalStateException(
        "Cannot add "
            + stream
            + " to the catalog of "
            + stream.database()
            + ": other writers claimed "
            + MAX_ATTEMPTS
            + " entries in a row");
  }

  /** Whether {@code entry} is now in the catalog (claimed by us, possibly on an earlier try). */
  private boolean claim(CatalogEntry entry) {
    String key = ArchiveLayout.catalogKey(entry.database(), entry.seq());
    byte[] bytes = CatalogCodec.encode(entry);
    signer.signBeforeClaim(store, key, bytes);
    try {
      if (store.putIfAbsent(key, ObjectContent.ofBytes(bytes)) == PutOutcome.CREATED) {
        return true;
      }
    } catch (OutcomeUnknownException e) {
      // Re-read before deciding, below: the claim may have landed.
    }
    Optional<byte[]> existing = store.readAll(key);
    return existing.isPresent() && Arrays.equals(existing.get(), bytes);
  }
}

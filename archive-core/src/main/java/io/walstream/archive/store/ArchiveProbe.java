package io.walstream.archive.store;

import io.walstream.archive.error.StorageException;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.schemas.error.WalstreamException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The write check a writer makes before it starts: it creates and deletes one small object under
 * {@value ArchiveLayout#PROBE}. A location the writer cannot write to (a read-only directory, a
 * missing bucket, credentials without write permission) fails here, at startup, naming the
 * location, instead of after the first records have been read and buffered.
 */
public final class ArchiveProbe {
  private ArchiveProbe() {}

  /**
   * Checks that {@code store} accepts a new object and its deletion.
   *
   * @throws WalstreamException when it does not, naming the archive and what failed
   */
  public static void requireWritable(ObjectStore store, String writerId) {
    String key = ArchiveLayout.probeKey(writerId, UUID.randomUUID().toString());
    try {
      store.putIfAbsent(
          key,
          ObjectContent.ofBytes(
              ("write check of " + writerId + "\n").getBytes(StandardCharsets.UTF_8)));
      store.delete(key);
    } catch (StorageException | java.io.UncheckedIOException e) {
      throw new WalstreamException(
          "Cannot write to archive "
              + store.uri()
              + " ("
              + key
              + "): "
              + e.getMessage()
              + "; the archiver must be able to create and delete objects there (check the"
              + " location, its permissions and the credentials)",
          e);
    }
  }
}

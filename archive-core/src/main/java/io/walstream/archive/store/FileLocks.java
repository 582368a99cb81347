package io.walstream.archive.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Exclusive locks on lock files, held for as long as the returned channel stays open: how a process
 * keeps a second one (or a second use in the same JVM) away from a file or directory it writes.
 */
public final class FileLocks {
  private FileLocks() {}

  /**
   * Holds {@code lockFile} (created when absent), or empty when another holder has it; closing the
   * channel releases the lock.
   */
  public static Optional<FileChannel> tryHold(Path lockFile) throws IOException {
    FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock held;
    try {
      held = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      // Held by this JVM already: as taken as by another process.
      held = null;
    }
    if (held == null) {
      channel.close();
      return Optional.empty();
    }
    return Optional.of(channel);
  }
}

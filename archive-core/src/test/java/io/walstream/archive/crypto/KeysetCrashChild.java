package io.walstream.archive.crypto;

import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.store.FileSystemObjectStore;
import java.nio.file.Path;

/**
 * Child process of {@link KeysetCrashIT}: rotates the archive's data key and rewraps its keyset
 * between two KEKs, over and over, until the parent kills it. It starts from whichever KEK opens
 * the keyset as it finds it, as an operator rerunning a command after a crash would.
 */
public final class KeysetCrashChild {
  private KeysetCrashChild() {}

  public static void main(String[] args) {
    FileSystemObjectStore store = new FileSystemObjectStore(Path.of(args[0]));
    LocalKek a = LocalKek.load(Path.of(args[1]));
    LocalKek b = LocalKek.load(Path.of(args[2]));
    ArchiveKeysets keysets = new ArchiveKeysets(store);
    LocalKek current = opens(keysets, a) ? a : b;
    System.out.println("ready");
    System.out.flush();
    while (true) {
      keysets.rotate(current);
      LocalKek next = current == a ? b : a;
      keysets.rewrap(current, next);
      current = next;
    }
  }

  static boolean opens(ArchiveKeysets keysets, LocalKek kek) {
    try {
      keysets.open(kek);
      return true;
    } catch (KeyUnavailableException e) {
      return false;
    }
  }
}

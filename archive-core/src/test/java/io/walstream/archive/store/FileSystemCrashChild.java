package io.walstream.archive.store;

import io.walstream.archive.format.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process of {@link FileSystemCrashIT}: writes objects into a filesystem store and dies
 * abruptly, either at a chosen point of the put protocol ({@code halt-before-link}) or whenever the
 * parent kills it ({@code loop}). Each object's key ends with the SHA-256 of its content, so a
 * partial object is detectable.
 */
public final class FileSystemCrashChild {
  private FileSystemCrashChild() {}

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    String mode = args[1];
    if (mode.equals("halt-before-link")) {
      FileSystemObjectStore store =
          new FileSystemObjectStore(root, () -> Runtime.getRuntime().halt(137));
      store.putIfAbsent("crash/victim", ObjectContent.ofBytes(payload(new Random(1), 1 << 20)));
      throw new AssertionError("the put should have halted the process");
    }
    FileSystemObjectStore store = new FileSystemObjectStore(root);
    Random random = new Random(Long.parseLong(args[2]));
    System.out.println("ready");
    System.out.flush();
    for (int i = 0; ; i++) {
      byte[] bytes = payload(random, 1 + random.nextInt(4 << 20));
      store.putIfAbsent("loop/" + i + "-" + Sha256.hex(bytes), ObjectContent.ofBytes(bytes));
    }
  }

  static byte[] payload(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    byte[] tag = "walstream".getBytes(StandardCharsets.UTF_8);
    System.arraycopy(tag, 0, bytes, 0, Math.min(tag.length, size));
    return bytes;
  }
}

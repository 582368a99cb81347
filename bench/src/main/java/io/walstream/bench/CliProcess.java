package io.walstream.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real {@code walstream} command in its own JVM under a small heap, with a GC log. */
final class CliProcess {
  private CliProcess() {}

  /**
   * Runs {@code java -Xmx<heap> -jar <jar> <args>} and returns the max heap after GC, in MiB; its
   * output goes to {@code <name>.log} in {@code work}.
   *
   * @throws IllegalStateException with the output when the command fails or runs over 30 minutes
   */
  static long maxHeapAfterGcMiB(Path jar, String heap, Path work, String name, List<String> args)
      throws Exception {
    Path gcLog = work.resolve(name + "-gc.log");
    Path log = work.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xlog:gc:file=" + gcLog);
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "walstream " + args.get(0) + " failed under -Xmx" + heap + ":\n" + Files.readString(log));
    }
    return GcLog.maxHeapAfterGcMiB(gcLog);
  }
}

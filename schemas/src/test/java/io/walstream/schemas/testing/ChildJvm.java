package io.walstream.schemas.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines that start a child JVM with the running JVM's own {@code java}: for tests that kill
 * a process for real (crash tests) or run the packaged command as a user would.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** The {@code java} executable of the running JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * {@code java <jvmOptions> -cp <this JVM's class path> <main> <args>}: a test's own main class,
   * with everything the test can load.
   */
  public static List<String> main(List<String> jvmOptions, Class<?> main, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  /** {@code java -jar <jar> <args>}: the packaged command, as a user runs it. */
  public static List<String> jar(Path jar, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }
}

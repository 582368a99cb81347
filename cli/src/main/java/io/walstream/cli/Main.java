package io.walstream.cli;

/** Entry point of the {@code walstream} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code, without exiting the JVM. */
  public static int run(String... args) {
    return WalstreamCommand.commandLine().execute(args);
  }
}

package io.walstream.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Runs {@code walstream} commands in process with their documented exit codes, capturing what they
 * print. Output accumulates over the runs of one instance.
 */
final class CapturedCli {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs one command line; its exit code. */
  int run(String... args) {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      var cli = WalstreamCommand.commandLine();
      cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
      return cli.execute(args);
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  /** Forgets what was printed so far. */
  void clear() {
    out.reset();
    err.reset();
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }
}

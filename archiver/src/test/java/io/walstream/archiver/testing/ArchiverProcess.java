package io.walstream.archiver.testing;

import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An archiver in its own process, for crash tests: {@code ArchiverProcess <config.properties>
 * [crash-after-segment-put|crash-after-manifest-claim N]}. With a crash point it halts (as abruptly
 * as SIGKILL: no shutdown hooks, no flush, no commit) right after the Nth put of that kind.
 */
public final class ArchiverProcess {
  public static final int CRASH_EXIT_CODE = 137;

  private ArchiverProcess() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Properties properties = new Properties();
    try (InputStream in = new FileInputStream(args[0])) {
      properties.load(in);
    }
    Map<String, Object> settings = new HashMap<>();
    properties.forEach((k, v) -> settings.put((String) k, v));
    String crash = args.length > 1 ? args[1] : "none";
    int nth = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    AtomicInteger seen = new AtomicInteger();
    ArchiverApp app =
        ArchiverApp.start(
            ArchiverConfig.parse(settings),
            store ->
                new ObservingObjectStore(
                    store,
                    (key, outcome) -> {
                      boolean matches =
                          (crash.equals("crash-after-segment-put") && key.endsWith(".seg"))
                              || (crash.equals("crash-after-manifest-claim")
                                  && key.endsWith(".manifest.json"));
                      if (matches && seen.incrementAndGet() == nth) {
                        System.out.println("crashing after " + key);
                        System.out.flush();
                        Runtime.getRuntime().halt(CRASH_EXIT_CODE);
                      }
                    }));
    System.out.println("started");
    System.out.flush();
    new CountDownLatch(1).await();
    app.close();
  }
}

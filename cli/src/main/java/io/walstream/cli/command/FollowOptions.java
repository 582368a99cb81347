package io.walstream.cli.command;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.restorer.follow.FollowLoop;
import io.walstream.restorer.follow.FollowRounds;
import io.walstream.restorer.follow.FollowTarget;
import io.walstream.restorer.follow.Follower;
import io.walstream.restorer.follow.ManifestWatch;
import io.walstream.restorer.follow.TopicMirror;
import io.walstream.service.http.HttpEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code restore --follow} and its options: keep a SQLite file or a PostgreSQL schema current from
 * the archive.
 */
final class FollowOptions {
  @Option(
      names = "--follow",
      description =
          "After restoring (--latest only, into --output, --jdbc or --topic), keep applying new complete transactions as"
              + " they are archived, until stopped (SIGTERM or Ctrl-C: the round in hand is"
              + " committed, exit 0). Restarted on an existing file, it goes on from the position"
              + " the file holds. With --bootstrap-servers it wakes as soon as the archiver publishes"
              + " a manifest, and checks the archive against the published manifests every round.")
  boolean follow;

  @Option(
      names = "--poll-interval",
      defaultValue = "1s",
      description = "With --follow, how often the archive is read (default: ${DEFAULT-VALUE}).")
  String pollInterval;

  @Option(
      names = "--reseed",
      description =
          "With --follow, restore the file afresh when the archive diverged from it (replaced) or"
              + " is behind it (rolled back), instead of refusing (exit 4).")
  boolean reseed;

  @Option(
      names = "--metrics-port",
      defaultValue = "-1",
      description =
          "With --follow, serve /metrics and /health on this port (0 picks a free one; default:"
              + " off).")
  int metricsPort;

  /** Refuses what --follow cannot do, as usage errors. */
  void check(CommandLine cli, RestoreOptions what) {
    if (!follow) {
      return;
    }
    String problem =
        what.dryRun
            ? "--follow cannot be a --dry-run"
            : !what.target.latest ? "--follow takes --latest as its only target" : null;
    if (problem != null) {
      throw new CommandLine.ParameterException(cli, problem);
    }
  }

  /**
   * Follows until stopped; returns the exit code (a refusal is thrown, exit 4).
   *
   * @param watch the archiver's manifests topic to wake on and check against, or null
   */
  int run(
      CommandLine cli,
      ArchiveReader store,
      RestoreOptions what,
      AnchorOptions anchors,
      ManifestWatch watch)
      throws InterruptedException {
    Duration poll = Durations.parse(cli, "--poll-interval", pollInterval);
    FollowRounds rounds;
    AutoCloseable closer;
    if (what.topic != null) {
      TopicMirror mirror =
          new TopicMirror(
              store,
              what.database,
              what.gapPolicy(),
              anchors.clientConfig(),
              anchors.timeout(cli),
              what.topic);
      if (watch != null) {
        mirror.checkAgainst(watch::anchors, anchors.manifestsTopic);
      }
      rounds = mirror;
      closer = mirror;
      System.out.printf("Mirroring %s into topic %s, every %s%n", what.database, what.topic, poll);
    } else {
      Follower follower = follower(store, what);
      if (watch != null) {
        // Every round checks the archive against what the archiver published.
        follower.checkAgainst(watch::anchors);
      }
      Follower.Start start = follower.start();
      System.out.printf(
          "Following %s into %s (%s at lsn %d), every %s%n",
          what.database, what.destination(), start, follower.position().lsn(), poll);
      rounds = follower;
      closer = follower;
    }
    return loop(rounds, closer, poll, watch);
  }

  private Follower follower(ArchiveReader store, RestoreOptions what) {
    FollowTarget output =
        what.output != null
            ? new FollowTarget.SqliteFile(what.output)
            : new FollowTarget.PostgresSchema(what.jdbcUrl, what.schemaOrDatabase());
    return new Follower(
        store,
        what.database,
        output,
        what.gapPolicy(),
        reseed ? Follower.Reseed.ALLOW : Follower.Reseed.REFUSE);
  }

  private int loop(FollowRounds rounds, AutoCloseable closer, Duration poll, ManifestWatch watch)
      throws InterruptedException {
    FollowLoop loop =
        new FollowLoop(
            rounds, poll, Clock.systemUTC(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    HttpEndpoint endpoint = endpoint(loop);
    if (watch != null) {
      watch.onManifest(loop::wake);
    }
    Thread stopper = stopper(loop, closer, endpoint, watch);
    Runtime.getRuntime().addShutdownHook(stopper);
    try {
      loop.run();
    } catch (RuntimeException e) {
      Runtime.getRuntime().removeShutdownHook(stopper);
      close(closer);
      close(endpoint, watch);
      throw e;
    }
    return ExitCode.SUCCESS.code();
  }

  private static void close(AutoCloseable closer) {
    try {
      closer.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(FollowOptions.class)
          .warn("Cannot close the follower: {}", e.toString());
    }
  }

  /** The shutdown hook: the round in hand is finished and committed, then exit 0. */
  private static Thread stopper(
      FollowLoop loop, AutoCloseable follower, HttpEndpoint endpoint, ManifestWatch watch) {
    return new Thread(
        () -> {
          try {
            loop.stop();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          close(follower);
          close(endpoint, watch);
          // Stopped cleanly with the round in hand committed: that is success, not a kill.
          Runtime.getRuntime().halt(ExitCode.SUCCESS.code());
        },
        "walstream-follow-stop");
  }

  private static void close(HttpEndpoint endpoint, ManifestWatch watch) {
    if (endpoint != null) {
      endpoint.close();
    }
    if (watch != null) {
      watch.close();
    }
  }

  private HttpEndpoint endpoint(FollowLoop loop) {
    if (metricsPort < 0) {
      return null;
    }
    try {
      HttpEndpoint endpoint =
          HttpEndpoint.start(
              metricsPort,
              loop::scrape,
              () ->
                  new HttpEndpoint.Health(
                      !loop.stalled(), loop.stalled() ? "STALLED" : "FOLLOWING"));
      System.out.println("Metrics on http://localhost:" + endpoint.port() + "/metrics");
      return endpoint;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve metrics on port " + metricsPort + ": " + e.getMessage(), e);
    }
  }
}

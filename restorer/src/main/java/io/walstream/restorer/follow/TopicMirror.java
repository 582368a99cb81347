package io.walstream.restorer.follow;

import io.walstream.archive.format.Manifest;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.read.StoredManifest;
import io.walstream.archive.verify.Anchor;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.apply.Progress;
import io.walstream.restorer.plan.GapPolicy;
import io.walstream.restorer.plan.RestorePlan;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.plan.RestoreWindow;
import io.walstream.restorer.sink.ForwardingSink;
import io.walstream.restorer.sink.KafkaTopicSink;
import io.walstream.restorer.verify.Anchoring;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps a Kafka topic a mirror of a database's change records ({@code restore --topic --follow}):
 * every round is a topic restore to the latest transaction, each segment checked as any restore
 * checks it, that goes on after what the topic holds, in one Kafka transaction per round (or per
 * {@code KafkaTopicSink} batch) ending on the {@code walstream.restore.end} header. The position is
 * the topic itself: its highest committed LSN of the database, read when the mirror starts (also
 * after {@code kill -9}: what a killed round left open is aborted, so nothing is written twice).
 *
 * <p>Of a follower's four outcomes, a topic has two: continue, and ahead (the topic holds an LSN
 * beyond the archive's newest, a rollback: refused, exit 4). A topic cannot be replaced atomically,
 * so there is no reseed; and it records no manifest hashes, so an archive replaced with one that
 * reaches at least as far is not detected (with {@code --bootstrap-servers} the anchor check still
 * catches an archive that differs from what the archiver published).
 */
public final class TopicMirror implements FollowRounds, AutoCloseable {
  private final Restorer restorer;
  private final String database;
  private final GapPolicy gaps;
  private final Map<String, Object> clientConfig;
  private final Duration timeout;
  private final String topic;
  private Supplier<Collection<Anchor>> anchors;
  private String anchorTopic;
  private KafkaTopicSink sink;
  private long lsn = -1;

  public TopicMirror(
      ArchiveReader reader,
      String database,
      GapPolicy gaps,
      Map<String, Object> clientConfig,
      Duration timeout,
      String topic) {
    this.restorer =
        new Restorer(reader, Restorer.DEFAULT_PARALLELISM).using(Restorer.SnapshotUse.IGNORE);
    this.database = database;
    this.gaps = gaps;
    this.clientConfig = Map.copyOf(clientConfig);
    this.timeout = timeout;
    this.topic = topic;
  }

  /** Checks the archive against the manifests {@code topic} published, every round. */
  public void checkAgainst(Supplier<Collection<Anchor>> published, String manifestsTopic) {
    this.anchors = published;
    this.anchorTopic = manifestsTopic;
  }

  /** The highest LSN of the database the topic holds (-1: none yet). */
  public long lsn() {
    return lsn;
  }

  @Override
  public Follower.Round round() {
    if (sink == null) {
      // Fences a killed predecessor (its open batch aborted) and reads what the topic holds.
      sink = KafkaTopicSink.open(clientConfig, timeout, topic, database);
      sink.resume(database, "latest");
      lsn = sink.lastLsn() == null ? -1 : sink.lastLsn();
    }
    RestorePlan plan = restorer.plan(database, new RestoreTarget.Latest(), gaps, anchoring());
    refuseIfAhead(plan);
    Round round = new Round(sink);
    Restorer.Result result;
    try {
      result = restorer.restore(plan, round, Progress.NONE);
    } catch (RuntimeException e) {
      // The round's batch is aborted; the next one starts afresh from what the topic holds.
      sink = null;
      throw e;
    }
    lsn = sink.lastLsn() == null ? -1 : sink.lastLsn();
    var outcome = result.outcome();
    return new Follower.Round(
        outcome.transactions(),
        outcome.records(),
        lsn,
        outcome.pendingRecords() == 0,
        outcome.incomplete().transactions());
  }

  private Anchoring anchoring() {
    return anchors == null
        ? new Anchoring.Skipped("no --bootstrap-servers manifests topic")
        : new Anchoring.Published(anchors.get(), anchorTopic);
  }

  /** The topic holding a transaction the archive does not reach: the archive was rolled back. */
  private void refuseIfAhead(RestorePlan plan) {
    Long head =
        RestoreWindow.spanning(
                plan.streams().stream()
                    .flatMap(s -> s.manifests().stream())
                    .map(StoredManifest::manifest)
                    .toList())
            .latestLsn();
    if (lsn >= 0 && (head == null || lsn > head)) {
      throw new ResumeCheck.Refused(
          topic,
          "Cannot go on mirroring "
              + database
              + " into topic "
              + topic
              + ": the topic holds lsn "
              + lsn
              + " but the archive's newest is "
              + (head == null ? "none" : "lsn " + head)
              + " (the archive was rolled back); a topic cannot be replaced: mirror into a new"
              + " topic");
    }
  }

  /**
   * What the archive holds beyond the topic's position, from its manifests: segments with records
   * after it (transactions unknown without reading them).
   */
  @Override
  public Follower.Behind behind() {
    RestorePlan plan =
        restorer.plan(database, new RestoreTarget.Latest(), GapPolicy.ACCEPT, anchoring());
    long segments = 0;
    long records = 0;
    long bytes = 0;
    for (RestorePlan.StreamPlan stream : plan.streams()) {
      for (Manifest.Segment s : stream.segments()) {
        if (s.last().lsn() > lsn) {
          segments++;
          records += s.recordCount();
          bytes += s.segment().byteSize();
        }
      }
    }
    return new Follower.Behind(segments, records, bytes, 0);
  }

  /** Aborts the Kafka transaction in hand (what earlier rounds committed stays). */
  @Override
  public void close() {
    if (sink != null) {
      sink.abort();
      sink = null;
    }
  }

  /** One round's view of the long-lived sink: its commit ends the round, not the producer. */
  private static final class Round extends ForwardingSink {
    private final KafkaTopicSink sink;

    Round(KafkaTopicSink sink) {
      super(sink);
      this.sink = sink;
    }

    @Override
    public void commit() {
      sink.commitRound();
    }

    @Override
    public void abort() {
      sink.abort();
    }

    @Override
    public void close() {
      // The producer outlives the round.
    }
  }
}

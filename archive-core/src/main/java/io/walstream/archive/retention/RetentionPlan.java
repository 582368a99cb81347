package io.walstream.archive.retention;

import io.walstream.archive.format.Retention;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.layout.StreamId;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a retention run would do, before it does it: per database, the retention record it stores
 * (or keeps), the new oldest restore point, and every object that expires, each either deleted now
 * or held (by a live lease, or younger than the grace period) with the reason.
 *
 * @param policy the rule applied
 * @param minAge the grace period: nothing younger is deleted
 * @param at when the plan was made
 * @param databases one plan per database
 */
public record RetentionPlan(
    RetentionPolicy policy, Duration minAge, Instant at, List<DatabasePlan> databases) {
  public RetentionPlan {
    databases = List.copyOf(databases);
  }

  /** What the run does to the retention record of a database. */
  public enum RecordStep {
    /** The policy keeps everything and no record exists: nothing expires. */
    NONE,
    /** The current record stays; what it expired and is still stored is deleted. */
    KEEP,
    /** A new record moves the floor forward; it is stored before anything is deleted. */
    WRITE
  }

  /**
   * One database's part.
   *
   * @param database the database
   * @param step what happens to its retention record
   * @param record the record in force after the run (null for {@link RecordStep#NONE})
   * @param expired every object the record expires that is still stored
   * @param skipped why the database was left alone (the archive failed a check), or null
   */
  public record DatabasePlan(
      String database, RecordStep step, Retention record, List<Expiry> expired, String skipped) {
    public DatabasePlan {
      expired = List.copyOf(expired);
    }

    /** A database left alone because of {@code reason}. */
    public static DatabasePlan skipped(String database, String reason) {
      return new DatabasePlan(database, RecordStep.NONE, null, List.of(), reason);
    }

    /** The objects deleted now. */
    public List<Expiry> delete() {
      return expired.stream().filter(Expiry::deleted).toList();
    }

    /** The objects kept for now, each with its reason. */
    public List<Expiry> held() {
      return expired.stream().filter(e -> !e.deleted()).toList();
    }

    /** Per stream with expired objects: how many manifests and segments, and their bytes. */
    public Map<StreamId, StreamTotals> perStream() {
      Map<StreamId, StreamTotals> streams = new LinkedHashMap<>();
      for (Expiry e : expired) {
        ArchiveKey key = ArchiveLayout.parse(e.key()).orElse(null);
        if (key instanceof ArchiveKey.Manifest m) {
          streams.merge(m.stream(), new StreamTotals(1, 0, e.size()), StreamTotals::plus);
        } else if (key instanceof ArchiveKey.Segment s) {
          streams.merge(s.stream(), new StreamTotals(0, 1, e.size()), StreamTotals::plus);
        }
      }
      return streams;
    }
  }

  /** Expired manifests and segments of one stream, and their bytes. */
  public record StreamTotals(long manifests, long segments, long bytes) {
    StreamTotals plus(StreamTotals other) {
      return new StreamTotals(
          manifests + other.manifests, segments + other.segments, bytes + other.bytes);
    }
  }

  /** Bytes the plan deletes now. */
  public long bytes() {
    return databases.stream().flatMap(d -> d.delete().stream()).mapToLong(Expiry::size).sum();
  }

  /** The databases left alone, each with its reason. */
  public List<String> skipped() {
    return databases.stream()
        .filter(d -> d.skipped() != null)
        .map(d -> d.database() + ": " + d.skipped())
        .toList();
  }
}

package io.walstream.archive.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.format.Position;
import io.walstream.archive.format.Snapshot;
import io.walstream.archive.read.StoredSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

  private static StoredSnapshot at(long lsn, Instant maxCommit) {
    long micros = maxCommit.getEpochSecond() * 1_000_000L;
    Snapshot s =
        new Snapshot(
            "shop",
            lsn,
            micros - 5,
            micros,
            List.of(new Snapshot.StreamPosition("t", 0, lsn, "a".repeat(64), new Position(lsn, 0))),
            new Snapshot.CatalogPosition(0, "b".repeat(64)),
            List.of(),
            List.of(),
            new Snapshot.Incomplete(0, 0, List.of()),
            List.of(),
            null,
            "0.1.0",
            "test");
    return new StoredSnapshot(s.key(), s, "c".repeat(64));
  }

  private static final List<StoredSnapshot> THREE =
      List.of(
          at(10, NOW.minus(Duration.ofDays(9))),
          at(20, NOW.minus(Duration.ofDays(5))),
          at(30, NOW.minus(Duration.ofDays(1))));

  @Test
  void shouldMakeTheOldestOfTheNewestNSnapshotsTheFloor() {
    assertThat(new RetentionPolicy.KeepSnapshots(2).floor(THREE, NOW))
        .hasValueSatisfying(s -> assertThat(s.snapshot().lsn()).isEqualTo(20));
    assertThat(new RetentionPolicy.KeepSnapshots(1).floor(THREE, NOW))
        .hasValueSatisfying(s -> assertThat(s.snapshot().lsn()).isEqualTo(30));
    assertThat(new RetentionPolicy.KeepSnapshots(3).floor(THREE, NOW)).isEmpty();
    assertThatThrownBy(() -> new RetentionPolicy.KeepSnapshots(0))
        .hasMessageContaining("keep at least 1");
  }

  @Test
  void shouldMakeTheNewestSnapshotCommittedBeforeTheWindowTheFloor() {
    assertThat(new RetentionPolicy.KeepWindow(Duration.ofDays(7)).floor(THREE, NOW))
        .hasValueSatisfying(s -> assertThat(s.snapshot().lsn()).isEqualTo(10));
    assertThat(new RetentionPolicy.KeepWindow(Duration.ofDays(5)).floor(THREE, NOW))
        .as("a snapshot committed exactly at the window's start keeps it restorable")
        .hasValueSatisfying(s -> assertThat(s.snapshot().lsn()).isEqualTo(20));
    assertThat(new RetentionPolicy.KeepWindow(Duration.ofDays(10)).floor(THREE, NOW)).isEmpty();
    assertThat(new RetentionPolicy.KeepWindow(Duration.ofDays(7)).describe())
        .isEqualTo("--keep-window PT168H");
  }
}

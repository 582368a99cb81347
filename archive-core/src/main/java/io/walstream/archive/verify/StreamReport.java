package io.walstream.archive.verify;

import io.walstream.archive.layout.StreamId;
import java.util.List;

/**
 * What verifying one stream found.
 *
 * @param stream the stream
 * @param manifests manifests read
 * @param segments segments verified
 * @param records records decoded
 * @param bytes segment bytes read
 * @param lastSeq the highest seq seen, -1 when none
 * @param firstLsn lsn of the first record, null when none
 * @param lastLsn lsn of the last record, null when none
 * @param minCommitTimeMicros earliest commit time, null when none
 * @param maxCommitTimeMicros latest commit time, null when none
 * @param findings everything found, in chain order
 */
public record StreamReport(
    StreamId stream,
    long manifests,
    long segments,
    long records,
    long bytes,
    long lastSeq,
    Long firstLsn,
    Long lastLsn,
    Long minCommitTimeMicros,
    Long maxCommitTimeMicros,
    List<Finding> findings) {
  public StreamReport {
    findings = List.copyOf(findings);
  }

  /** Whether no finding is an error. */
  public boolean clean() {
    return findings.stream().noneMatch(Finding::isError);
  }

  public List<Finding> errors() {
    return findings.stream().filter(Finding::isError).toList();
  }
}

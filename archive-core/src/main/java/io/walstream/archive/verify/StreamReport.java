package io.walstream.archive.verify;

import io.walstream.archive.layout.StreamId;
import java.util.ArrayList;
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
 * @param undecodedSegments encrypted segments whose records were not checked (no key was given)
 * @param keyIds the data key ids the stream's encrypted segments name, with how many segments each
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
    List<Finding> findings,
    long undecodedSegments,
    java.util.SortedMap<Long, Long> keyIds) {
  public StreamReport {
    findings = List.copyOf(findings);
    keyIds = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(keyIds));
  }

  /** An empty report of a stream the archive holds nothing of. */
  public static StreamReport empty(StreamId stream) {
    return new StreamReport(
        stream, 0, 0, 0, 0, -1, null, null, null, null, List.of(), 0, new java.util.TreeMap<>());
  }

  /** This report with {@code more} findings after its own. */
  public StreamReport withFindings(List<Finding> more) {
    List<Finding> all = new ArrayList<>(findings);
    all.addAll(more);
    return new StreamReport(
        stream,
        manifests,
        segments,
        records,
        bytes,
        lastSeq,
        firstLsn,
        lastLsn,
        minCommitTimeMicros,
        maxCommitTimeMicros,
        all,
        undecodedSegments,
        keyIds);
  }

  /** Whether no finding is an error. */
  public boolean clean() {
    return findings.stream().noneMatch(Finding::isError);
  }

  public List<Finding> errors() {
    return findings.stream().filter(Finding::isError).toList();
  }
}

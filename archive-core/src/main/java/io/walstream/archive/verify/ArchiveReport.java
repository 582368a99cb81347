package io.walstream.archive.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What verifying a database, or the whole archive, found: the findings about the databases' stream
 * catalogs, and one report per stream.
 *
 * @param databaseFindings findings about a database as a whole (its catalog entries, its incomplete
 *     transactions), not about one stream, in database order
 * @param streams one report per stream found, each with the findings about it
 */
public record ArchiveReport(List<Finding> databaseFindings, List<StreamReport> streams) {
  public ArchiveReport {
    databaseFindings = List.copyOf(databaseFindings);
    streams = List.copyOf(streams);
  }

  /** This report with {@code streams} instead of its own (e.g. after the anchor check). */
  public ArchiveReport withStreams(List<StreamReport> replaced) {
    return new ArchiveReport(databaseFindings, replaced);
  }

  /** This report followed by {@code other}'s findings and streams. */
  ArchiveReport plus(ArchiveReport other) {
    List<Finding> findings = new ArrayList<>(databaseFindings);
    findings.addAll(other.databaseFindings);
    List<StreamReport> all = new ArrayList<>(streams);
    all.addAll(other.streams);
    return new ArchiveReport(findings, all);
  }

  /** Every finding: catalogs first, then each stream's. */
  public List<Finding> findings() {
    return Stream.concat(
            databaseFindings.stream(), streams.stream().flatMap(s -> s.findings().stream()))
        .toList();
  }

  /** Whether no finding is an error. */
  public boolean clean() {
    return findings().stream().noneMatch(Finding::isError);
  }

  public List<Finding> errors() {
    return findings().stream().filter(Finding::isError).toList();
  }

  public long segments() {
    return streams.stream().mapToLong(StreamReport::segments).sum();
  }

  public long records() {
    return streams.stream().mapToLong(StreamReport::records).sum();
  }

  /** Encrypted segments whose records were not checked, because no key was given. */
  public long undecodedSegments() {
    return streams.stream().mapToLong(StreamReport::undecodedSegments).sum();
  }

  /** The data key ids the archive's encrypted segments name, with how many segments each. */
  public java.util.SortedMap<Long, Long> keyIds() {
    java.util.SortedMap<Long, Long> ids = new java.util.TreeMap<>();
    streams.forEach(s -> s.keyIds().forEach((id, n) -> ids.merge(id, n, Long::sum)));
    return ids;
  }

  public long bytes() {
    return streams.stream().mapToLong(StreamReport::bytes).sum();
  }
}

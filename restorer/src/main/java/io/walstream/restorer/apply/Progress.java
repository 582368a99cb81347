package io.walstream.restorer.apply;

/** Observes a restore segment by segment: for progress bars and status reports. */
@FunctionalInterface
public interface Progress {
  Progress NONE = (segmentsDone, segmentsTotal, bytesDone, bytesTotal) -> {};

  /** Called after each segment has been fetched and verified. */
  void segmentDone(long segmentsDone, long segmentsTotal, long bytesDone, long bytesTotal);
}

package io.walstream.archive.format;

/** A segment encoded in memory: its bytes and what they hold. */
public record EncodedSegment(byte[] bytes, SegmentSummary summary) {}

package io.walstream.restorer.sink;

import io.walstream.archive.layout.StreamId;

/**
 * Where a transaction came from: its stream, the seq of the segment holding its last record, and
 * its lsn. Recorded in {@code _walstream_restore} in the same database transaction as its rows.
 */
public record TransactionPosition(StreamId stream, long seq, long lsn) {}

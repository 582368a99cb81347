package io.walstream.archiver.partition;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.metrics.ArchiverMetrics;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What the topology's processors need at run time besides configuration: the archive, the commit
 * coordinator, a way to read source partitions back by offset, metrics, a clock, and the executor
 * that commits cuts off the stream threads, and how input records other than walstream's current
 * encoding are read (one cut per partition at a time, in order). The app wires real ones; tests
 * wire what they need ({@code Runnable::run} commits each cut in place).
 */
public record ArchiverRuntime(
    ArchiverConfig config,
    ArchiveWriter writer,
    ArchiveReader reader,
    CommitCoordinator coordinator,
    SourceReader sourceReader,
    ArchiverMetrics metrics,
    Clock clock,
    Executor cutExecutor,
    InputDecoder inputDecoder) {}

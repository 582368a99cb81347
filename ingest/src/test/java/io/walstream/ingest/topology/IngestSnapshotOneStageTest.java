package io.walstream.ingest.topology;

import io.walstream.ingest.config.IngestConfig;

/**
 * Every case of {@link IngestSnapshotTest}, in the one-stage shape: the same outcomes without the
 * topic between.
 */
class IngestSnapshotOneStageTest extends IngestSnapshotTest {
  @Override
  IngestConfig.Stages shape() {
    return IngestConfig.Stages.ONE;
  }
}

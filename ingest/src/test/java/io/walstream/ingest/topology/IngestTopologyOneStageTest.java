package io.walstream.ingest.topology;

import io.walstream.ingest.config.IngestConfig;

/**
 * Every case of {@link IngestTopologyTest}, in the one-stage shape: the same outcomes without the
 * topic between.
 */
class IngestTopologyOneStageTest extends IngestTopologyTest {
  @Override
  IngestConfig.Stages shape() {
    return IngestConfig.Stages.ONE;
  }
}

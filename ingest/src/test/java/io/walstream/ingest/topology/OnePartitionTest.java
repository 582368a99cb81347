package io.walstream.ingest.topology;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.ingest.config.IngestConfig.Stages;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** The one-stage shape's guard as a task starts: only partition 0 of every input may be read. */
class OnePartitionTest {
  @Test
  void shouldLetTheTaskOfPartitionZeroStartInEitherShape() {
    assertThatCode(
            () ->
                new ParsingProcessor.OnePartition(Stages.ONE, Stages.AUTO).check(new TaskId(0, 0)))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> new ParsingProcessor.OnePartition(Stages.TWO, Stages.TWO).check(new TaskId(0, 3)))
        .doesNotThrowAnyException();
  }

  @Test
  void shouldStopTransientlyWhenAutoChoseOneStageAndAPartitionOneAppears() {
    assertThatThrownBy(
            () ->
                new ParsingProcessor.OnePartition(Stages.ONE, Stages.AUTO).check(new TaskId(0, 1)))
        .isInstanceOfSatisfying(
            WalstreamException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.kind()).isEqualTo(ErrorKind.TRANSIENT))
        .hasMessageContaining("has a partition 1")
        .hasMessageContaining("Restart the ingest");
  }

  @Test
  void shouldStopAsAConfigurationErrorWhenOneStageWasAskedFor() {
    assertThatThrownBy(
            () -> new ParsingProcessor.OnePartition(Stages.ONE, Stages.ONE).check(new TaskId(0, 2)))
        .isInstanceOfSatisfying(
            WalstreamException.class,
            e ->
                org.assertj.core.api.Assertions.assertThat(e.kind())
                    .isEqualTo(ErrorKind.INVALID_CONFIG))
        .hasMessageContaining("ingest.stages=two");
  }
}

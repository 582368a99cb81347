package io.walstream.service.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class StreamsRunnerTest {
  @Test
  void shouldReportTheWalstreamErrorWhenKafkaStreamsWrappedIt() {
    WalstreamException thrown = new WalstreamException(ErrorKind.TRANSIENT, "restart the ingest");
    StreamsException wrapped =
        new StreamsException("failed to initialize task 0_1", new RuntimeException(thrown));

    assertThat(StreamsRunner.walstreamCause(wrapped)).isSameAs(thrown);
  }

  @Test
  void shouldReportTheFailureItselfWhenItCarriesNoWalstreamError() {
    StreamsException failure =
        new StreamsException("broker gone", new IllegalStateException("connection refused"));

    assertThat(StreamsRunner.walstreamCause(failure)).isSameAs(failure);
  }
}

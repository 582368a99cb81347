package io.walstream.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class KafkaTimeoutsTest {
  private static final Map<String, Object> BASE =
      Map.of("bootstrap.servers", "127.0.0.1:1", "linger.ms", 20);

  @Test
  void shouldBoundEveryBlockingProducerCallWhenGivenATimeout() {
    Map<String, Object> config = KafkaTimeouts.producer(BASE, Duration.ofSeconds(3));

    assertThat(config)
        .containsEntry("max.block.ms", 3000L)
        .containsEntry("request.timeout.ms", 3000)
        // Kafka refuses a delivery timeout below linger plus request timeout.
        .containsEntry("delivery.timeout.ms", 3020)
        .containsEntry("linger.ms", 20);
  }

  @Test
  void shouldKeepTheCallersOwnSettingsWhenTheyAreGiven() {
    Map<String, Object> config =
        KafkaTimeouts.consumer(
            Map.of("bootstrap.servers", "b:1", "default.api.timeout.ms", 99),
            Duration.ofSeconds(3));

    assertThat(config)
        .containsEntry("default.api.timeout.ms", 99)
        .containsEntry("request.timeout.ms", 3000);
  }

  @Test
  void shouldNameTheSettingWhenTheLingerIsNotANumber() {
    assertThatThrownBy(
            () -> KafkaTimeouts.producer(Map.of("linger.ms", "soon"), Duration.ofSeconds(3)))
        .isInstanceOfSatisfying(
            WalstreamException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_CONFIG))
        .hasMessage("linger.ms=soon: not a number");
  }

  @Test
  void shouldTellATimeoutFromARefusalWhenACallFails() {
    WalstreamException timedOut =
        KafkaTimeouts.failed(
            BASE,
            Duration.ofSeconds(3),
            "send command x to topic t",
            new ExecutionException(new TimeoutException("expired")));
    WalstreamException refused =
        KafkaTimeouts.failed(
            BASE, Duration.ofMinutes(2), "read topic t", new TopicAuthorizationException("denied"));
    WalstreamException broken =
        KafkaTimeouts.failed(
            BASE,
            Duration.ofMinutes(2),
            "read topic t",
            new org.apache.kafka.common.errors.CorruptRecordException("bad crc"));

    assertThat(timedOut.kind()).isEqualTo(ErrorKind.TRANSIENT);
    assertThat(timedOut)
        .hasMessageStartingWith(
            "Cannot send command x to topic t: Kafka at 127.0.0.1:1 did not answer within 3 s");
    assertThat(refused.kind()).isEqualTo(ErrorKind.NOT_AUTHORIZED);
    assertThat(refused)
        .hasMessage(
            "Kafka refused User:ANONYMOUS (cannot read topic t): no ACL allows it on a topic"
                + " (denied)");
    assertThat(broken.kind()).isEqualTo(ErrorKind.PERMANENT);
    assertThat(broken).hasMessage("Cannot read topic t: Kafka at 127.0.0.1:1 refused it: bad crc");
    assertThat(KafkaTimeouts.words(Duration.ofMillis(250))).isEqualTo("250 ms");
    assertThat(KafkaTimeouts.words(Duration.ofSeconds(90))).isEqualTo("90 s");
    assertThat(KafkaTimeouts.words(Duration.ofMinutes(2))).isEqualTo("2 min");
  }
}

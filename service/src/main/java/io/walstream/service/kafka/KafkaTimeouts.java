package io.walstream.service.kafka;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Client settings that bound every call a command makes to Kafka by one timeout, and the one line a
 * command says when the broker did not answer within it. Kafka's own defaults let a producer block
 * 60 s per send and a consumer 60 s per metadata call, so a command without a reachable broker
 * would hang for minutes (or, per line of a large file, for days).
 */
public final class KafkaTimeouts {
  private KafkaTimeouts() {}

  /**
   * {@code base} with a producer's blocking calls ({@code max.block.ms}: metadata, {@code
   * initTransactions}, {@code commitTransaction}) and each send ({@code request.timeout.ms}, {@code
   * delivery.timeout.ms}, which Kafka requires to be at least the linger plus the request timeout)
   * bounded by {@code timeout}. Settings already in {@code base} win.
   */
  public static Map<String, Object> producer(Map<String, Object> base, Duration timeout) {
    long ms = millis(timeout);
    long linger = linger(base);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(ms, Integer.MAX_VALUE));
    config.put(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(ms + linger, Integer.MAX_VALUE));
    config.putAll(base);
    return config;
  }

  /**
   * {@code base} with a consumer's blocking calls ({@code default.api.timeout.ms}) and requests
   * bounded by {@code timeout}. Settings already in {@code base} win.
   */
  public static Map<String, Object> consumer(Map<String, Object> base, Duration timeout) {
    long ms = millis(timeout);
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(ms, Integer.MAX_VALUE));
    config.put(
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(ms, Integer.MAX_VALUE));
    config.putAll(base);
    return config;
  }

  /**
   * The error for a Kafka call that failed: one line naming what was being done and the bootstrap
   * servers. A call that did not finish within {@code timeout} (the broker is down, unreachable or
   * overloaded) is of kind {@link ErrorKind#TRANSIENT}: retrying once it answers can succeed; one
   * the broker refused (authorization, a record too large, a missing topic) is {@link
   * ErrorKind#PERMANENT}.
   *
   * @param doing what the command was doing, e.g. "send command X to topic T"
   */
  public static WalstreamException failed(
      Map<String, Object> config, Duration timeout, String doing, Throwable cause) {
    return failed(config, timeout, doing, cause, java.util.List.of());
  }

  /**
   * As {@link #failed(Map, Duration, String, Throwable)}, where {@code needs} are the ACLs the call
   * needed, so that a refusal names the operation; a refusal (a bad credential, a missing ACL) is
   * {@code NOT_AUTHORIZED} and names the principal and the resource.
   */
  public static WalstreamException failed(
      Map<String, Object> config,
      Duration timeout,
      String doing,
      Throwable cause,
      java.util.List<KafkaGrant> needs) {
    java.util.Optional<WalstreamException> refused =
        KafkaAccess.refusal(cause, config, "cannot " + doing, needs);
    if (refused.isPresent()) {
      return refused.get();
    }
    Throwable root =
        cause instanceof java.util.concurrent.ExecutionException && cause.getCause() != null
            ? cause.getCause()
            : cause;
    Object servers = config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (root instanceof org.apache.kafka.common.errors.TimeoutException
        || root instanceof java.util.concurrent.TimeoutException) {
      return new WalstreamException(
          ErrorKind.TRANSIENT,
          "Cannot "
              + doing
              + ": Kafka at "
              + servers
              + " did not answer within "
              + words(timeout)
              + " (is the broker running and reachable from here?)",
          cause);
    }
    return new WalstreamException(
        ErrorKind.PERMANENT,
        "Cannot " + doing + ": Kafka at " + servers + " refused it: " + root.getMessage(),
        cause);
  }

  /** A duration as a user would write it: 250 ms, 15 s, 2 min. */
  public static String words(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + " ms";
    }
    if (d.toSeconds() < 120 || d.toSeconds() % 60 != 0) {
      return d.toSeconds() + " s";
    }
    return d.toMinutes() + " min";
  }

  private static long linger(Map<String, Object> base) {
    Object value = base.getOrDefault(ProducerConfig.LINGER_MS_CONFIG, "5");
    try {
      return Long.parseLong(String.valueOf(value).strip());
    } catch (NumberFormatException e) {
      // Named here, in one line, rather than as a stack trace from the producer's constructor.
      throw new WalstreamException(
          ErrorKind.INVALID_CONFIG,
          ProducerConfig.LINGER_MS_CONFIG + "=" + value + ": not a number");
    }
  }

  private static long millis(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("a Kafka timeout is positive: " + timeout);
    }
    return Math.max(1, timeout.toMillis());
  }
}

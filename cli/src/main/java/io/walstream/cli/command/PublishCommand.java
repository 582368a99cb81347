package io.walstream.cli.command;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.jsonl.JsonLinesException;
import io.walstream.schemas.jsonl.JsonLinesReader;
import io.walstream.service.kafka.KafkaGrant;
import io.walstream.service.kafka.KafkaTimeouts;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walstream publish}: publishes change records from a JSON Lines file. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    header = "Publish change records from a JSON Lines file to Kafka.",
    description =
        "Publish change records from a JSON Lines file (docs/JSONL.md) to a topic, keyed by "
            + "database, in transactions of --batch lines: a batch is acknowledged whole or not at all, "
            + "so a failed send never leaves a later line published before an earlier one. A bad line "
            + "or a failed send stops publishing there, naming the line and how many lines were "
            + "acknowledged (resume with --from-line); --skip-invalid reports bad lines and carries on.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every record acknowledged",
      "1:a bad line or a failed send (lines before the reported one are acknowledged)",
      "2:usage error"
    })
public final class PublishCommand implements Callable<Integer> {
  /** The start of every transactional id {@code publish} uses (one per run). */
  static final String TRANSACTIONAL_ID_PREFIX = "walstream-publish-";

  @picocli.CommandLine.Mixin VerboseOption verbose;

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "walstream.changes",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--input",
      required = true,
      description = "JSON Lines file, or - for standard input.")
  String input;

  @Option(
      names = "--skip-invalid",
      description = "Report bad lines and carry on instead of stopping.")
  boolean skipInvalid;

  @Option(
      names = "--from-line",
      defaultValue = "1",
      description = "Start at this line (to resume after an interrupted publish; default 1).")
  long fromLine;

  @Option(
      names = "--batch",
      defaultValue = "1000",
      description = "Lines per transaction (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--kafka-timeout",
      defaultValue = "30s",
      description =
          "How long any one call to Kafka may wait for the broker (default: ${DEFAULT-VALUE});"
              + " without a reachable broker publishing stops after it, having sent nothing.")
  String kafkaTimeout;

  @picocli.CommandLine.Mixin CommandConfigOption commandConfig;

  @Option(names = "--set", description = "Any producer setting as KEY=VALUE (repeatable).")
  Map<String, String> overrides;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** A record read from a line, waiting for its batch to be sent. */
  private record Line(long number, byte[] key, byte[] value) {}

  @Override
  public Integer call() throws IOException {
    if (fromLine < 1 || batch < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--from-line and --batch must be at least 1");
    }
    Duration timeout = Durations.parse(spec.commandLine(), "--kafka-timeout", kafkaTimeout);
    Map<String, Object> config = KafkaTimeouts.producer(config(), timeout);
    int maxRecordBytes = maxRequestSize(config);
    Publication done = new Publication();
    try (Reader reader = open();
        JsonLinesReader lines = new JsonLinesReader(reader);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      try {
        producer.initTransactions();
      } catch (KafkaException e) {
        throw KafkaTimeouts.failed(config, timeout, "publish to topic " + topic, e, grants(topic));
      }
      Integer stopped = publishAll(lines, producer, maxRecordBytes, done);
      if (stopped != null) {
        return stopped;
      }
    }
    System.out.printf(
        "Published %d records to %s%s%n",
        done.acknowledged,
        topic,
        done.skipped > 0 ? " (skipped " + done.skipped + " invalid lines)" : "");
    return ExitCode.SUCCESS.code();
  }

  /**
   * Publishes every line in transactions of {@code --batch}; the exit code when it stopped at a bad
   * line or a failed send, null when every line was acknowledged.
   */
  private Integer publishAll(
      JsonLinesReader lines,
      KafkaProducer<byte[], byte[]> producer,
      int maxRecordBytes,
      Publication done) {
    SingleObjectCodec<ChangeRecord> codec = SingleObjectCodec.of(ChangeRecord.class);
    List<Line> pending = new ArrayList<>();
    while (true) {
      Line line;
      try {
        line = next(lines, codec);
      } catch (JsonLinesException e) {
        if (!skipInvalid) {
          return stop(producer, pending, done, e.line(), e.getMessage());
        }
        System.err.println("walstream publish: skipping: " + e.getMessage());
        done.skipped++;
        continue;
      }
      if (line == null) {
        break;
      }
      int size = line.key().length + line.value().length;
      if (size > maxRecordBytes) {
        return stop(producer, pending, done, line.number(), tooLarge(line, size, maxRecordBytes));
      }
      pending.add(line);
      if (pending.size() >= batch) {
        String failure = send(producer, pending, done);
        if (failure != null) {
          return failed(done, failure);
        }
      }
    }
    String failure = send(producer, pending, done);
    return failure == null ? null : failed(done, failure);
  }

  /** The next line at or after {@code --from-line}, encoded; null at the end of the input. */
  private Line next(JsonLinesReader lines, SingleObjectCodec<ChangeRecord> codec) {
    while (lines.hasNext()) {
      ChangeRecord record = lines.next();
      if (lines.lineNumber() >= fromLine) {
        return new Line(
            lines.lineNumber(),
            record.getDatabase().getBytes(StandardCharsets.UTF_8),
            codec.encode(record));
      }
    }
    return null;
  }

  private static String tooLarge(Line line, int size, int maxRecordBytes) {
    return "Cannot publish line "
        + line.number()
        + ": the record is "
        + size
        + " bytes, more than the producer's max.request.size of "
        + maxRecordBytes;
  }

  /** What has been acknowledged so far. */
  private static final class Publication {
    long acknowledged;
    long lastAcknowledgedLine;
    long skipped;
  }

  /** Sends the lines before a bad one, then reports the bad one. */
  private int stop(
      KafkaProducer<byte[], byte[]> producer,
      List<Line> pending,
      Publication done,
      long line,
      String reason) {
    String failure = send(producer, pending, done);
    if (failure != null) {
      return failed(done, failure);
    }
    System.err.printf(
        "walstream publish: %s%nAcknowledged %d records, every line before line %d; nothing after"
            + " it was sent (resume with --from-line %d once it is fixed).%n",
        reason, done.acknowledged, line, line);
    return ExitCode.FAILURE.code();
  }

  private int failed(Publication done, String failure) {
    System.err.printf(
        "walstream publish: %s%nAcknowledged %d records, up to line %d; nothing after it was"
            + " published (resume with --from-line %d).%n",
        failure, done.acknowledged, done.lastAcknowledgedLine, done.lastAcknowledgedLine + 1);
    return ExitCode.FAILURE.code();
  }

  /**
   * Sends {@code pending} in one transaction; null when it committed, else why not (the transaction
   * is aborted, so none of its records is acknowledged).
   */
  private String send(
      KafkaProducer<byte[], byte[]> producer, List<Line> pending, Publication done) {
    if (pending.isEmpty()) {
      return null;
    }
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try {
      for (Line line : pending) {
        sent.add(producer.send(new ProducerRecord<>(topic, line.key(), line.value())));
      }
      producer.flush();
      for (int i = 0; i < sent.size(); i++) {
        try {
          sent.get(i).get();
        } catch (ExecutionException e) {
          producer.abortTransaction();
          return "Cannot publish line "
              + pending.get(i).number()
              + " to "
              + topic
              + ": "
              + e.getCause().getMessage();
        }
      }
      producer.commitTransaction();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "Interrupted while publishing line " + pending.get(0).number();
    } catch (KafkaException e) {
      return "Cannot publish lines "
          + pending.get(0).number()
          + " to "
          + pending.get(pending.size() - 1).number()
          + " to "
          + topic
          + ": "
          + e.getMessage();
    }
    done.acknowledged += pending.size();
    done.lastAcknowledgedLine = pending.get(pending.size() - 1).number();
    pending.clear();
    return null;
  }

  private Reader open() throws IOException {
    if (input.equals("-")) {
      return new InputStreamReader(System.in, StandardCharsets.UTF_8);
    }
    Path file = Path.of(input);
    if (!Files.isRegularFile(file)) {
      // A wrong argument, found before anything is sent.
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--input "
              + input
              + (Files.isDirectory(file) ? ": is a directory" : ": no such file")
              + " (name a JSON Lines file, or - for standard input)");
    }
    return Files.newBufferedReader(file, StandardCharsets.UTF_8);
  }

  /** The ACLs {@code publish} needs to write {@code topic}, in transactions of its own. */
  static List<KafkaGrant> grants(String topic) {
    return List.of(
        KafkaGrant.topic(topic, AclOperation.WRITE, AclOperation.DESCRIBE),
        KafkaGrant.transactionalIdPrefix(
            TRANSACTIONAL_ID_PREFIX, AclOperation.WRITE, AclOperation.DESCRIBE));
  }

  private Map<String, Object> config() {
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + UUID.randomUUID());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.putAll(commandConfig.settings());
    if (overrides != null) {
      config.putAll(overrides);
    }
    return config;
  }

  private static int maxRequestSize(Map<String, Object> config) {
    Object configured = config.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    // Less the record batch overhead the producer adds around a single record.
    int limit;
    try {
      limit = configured == null ? 1024 * 1024 : Integer.parseInt(configured.toString().strip());
    } catch (NumberFormatException e) {
      throw new io.walstream.archive.error.InvalidConfigException(
          "--set max.request.size=" + configured + ": not a number of bytes");
    }
    return limit - 128;
  }
}

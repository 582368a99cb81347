package io.walstream.cli.command;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import io.walstream.schemas.jsonl.JsonLinesException;
import io.walstream.schemas.jsonl.JsonLinesReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code walstream publish}: publishes change records from a JSON Lines file. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publish change records from a JSON Lines file (docs/JSONL.md) to a topic, keyed by",
      "database, with an idempotent producer. Exits once every record is acknowledged.",
      "A bad line stops publishing there (records before it are sent) unless --skip-invalid."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every record acknowledged",
      "1:a bad line or a failed send",
      "2:usage error"
    })
public final class PublishCommand implements Callable<Integer> {
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

  @Option(names = "--set", description = "Any producer setting as KEY=VALUE (repeatable).")
  Map<String, String> overrides;

  @Override
  public Integer call() throws IOException {
    SingleObjectCodec<ChangeRecord> codec = SingleObjectCodec.of(ChangeRecord.class);
    AtomicLong acknowledged = new AtomicLong();
    AtomicReference<Exception> sendFailure = new AtomicReference<>();
    long sent = 0;
    long skipped = 0;
    try (Reader reader = open();
        JsonLinesReader lines = new JsonLinesReader(reader);
        KafkaProducer<byte[], byte[]> producer = producer()) {
      while (true) {
        ChangeRecord record;
        try {
          if (!lines.hasNext()) {
            break;
          }
          record = lines.next();
        } catch (JsonLinesException e) {
          if (!skipInvalid) {
            producer.flush();
            System.err.printf(
                "walstream publish: %s%nSent %d records before line %d; nothing after it was sent.%n",
                e.getMessage(), acknowledged.get(), e.line());
            return 1;
          }
          System.err.println("walstream publish: skipping: " + e.getMessage());
          skipped++;
          continue;
        }
        byte[] key = record.getDatabase().getBytes(StandardCharsets.UTF_8);
        producer.send(
            new ProducerRecord<>(topic, key, codec.encode(record)),
            (metadata, exception) -> {
              if (exception != null) {
                sendFailure.compareAndSet(null, exception);
              } else {
                acknowledged.incrementAndGet();
              }
            });
        sent++;
      }
      producer.flush();
    }
    if (sendFailure.get() != null) {
      System.err.printf(
          "walstream publish: Cannot publish to %s: %s (%d of %d acknowledged)%n",
          topic, sendFailure.get().getMessage(), acknowledged.get(), sent);
      return 1;
    }
    System.out.printf(
        "Published %d records to %s%s%n",
        acknowledged.get(), topic, skipped > 0 ? " (skipped " + skipped + " invalid lines)" : "");
    return 0;
  }

  private Reader open() throws IOException {
    if (input.equals("-")) {
      return new InputStreamReader(System.in, StandardCharsets.UTF_8);
    }
    return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> config = new java.util.HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    if (overrides != null) {
      config.putAll(overrides);
    }
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}

package io.walstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.InMemoryObjectStore;
import io.walstream.archive.testing.Records;
import io.walstream.archive.writer.ArchiveWriter;
import io.walstream.archiver.commit.CommitCoordinator;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.archiver.metrics.ArchiverMetrics;
import io.walstream.archiver.partition.ArchiverRuntime;
import io.walstream.archiver.testing.NoReadBack;
import io.walstream.archiver.topology.ArchiverTopology;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated bytes fed to the archiver's topology as change records: every input is either
 * accepted or dead-lettered with one of the known reasons; the stream never stops.
 */
class ArchiverFuzzTest {
  private static final Set<String> REASONS =
      Set.of("undecodable", "invalid-name", "invalid-record", "lsn-regression");

  @Test
  void shouldDeadLetterOrAcceptEveryFuzzedInputAndKeepGoingWhenFedGarbage() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    Map<String, Object> settings = new HashMap<>();
    settings.put(ArchiverConfig.ARCHIVE_URI, "file:///unused");
    settings.put("bootstrap.servers", "unused:9092");
    settings.put(ArchiverConfig.INPUT_TOPICS, "changes");
    ArchiverConfig config = ArchiverConfig.parse(settings);
    ArchiverRuntime runtime =
        new ArchiverRuntime(
            config,
            new ArchiveWriter(store, "fuzz"),
            new ArchiveReader(store),
            new CommitCoordinator(),
            new NoReadBack(),
            ArchiverMetrics.inMemory(),
            Clock.systemUTC(),
            Runnable::run,
            io.walstream.archiver.partition.InputDecoder.SINGLE_OBJECT);
    Properties streams = new Properties();
    streams.putAll(config.streamsProperties());
    Random random = new Random(99);
    List<ChangeRecord> valid = Records.transactions("fuzz", 1, 500, 1);
    int inputs = Report.soak(3000);
    int deadLettered = 0;
    try (TopologyTestDriver driver =
        new TopologyTestDriver(ArchiverTopology.build(runtime), streams)) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic("changes", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> dlq =
          driver.createOutputTopic(
              "walstream.dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      for (int i = 0; i < inputs; i++) {
        byte[] value;
        if (random.nextInt(3) == 0) {
          value = new byte[random.nextInt(300)];
          random.nextBytes(value);
        } else {
          byte[] ok =
              WalstreamSerdes.changeRecord()
                  .codec()
                  .encode(valid.get(random.nextInt(valid.size())));
          value = ok.clone();
          value[random.nextInt(value.length)] ^= (byte) (1 + random.nextInt(255));
        }
        in.pipeInput("fuzz".getBytes(StandardCharsets.UTF_8), value);
        for (var letter : dlq.readRecordsToList()) {
          String reason =
              new String(
                  letter.headers().lastHeader("walstream.dlq.reason").value(),
                  StandardCharsets.UTF_8);
          assertThat(reason).isIn(REASONS);
          deadLettered++;
        }
      }
      // The stream still archives valid input after all that.
      in.pipeInput(
          "fuzz".getBytes(StandardCharsets.UTF_8),
          WalstreamSerdes.changeRecord()
              .codec()
              .encode(Records.transactions("fuzz", 1_000_000, 1, 1).get(0)));
      assertThat(dlq.readRecordsToList()).isEmpty();
    }
    Report.row(
        "fuzzed input through the archiver topology",
        1,
        "random and bit-flipped change records",
        inputs,
        0,
        0,
        "dead-lettered with a known reason or accepted: " + inputs + " / " + inputs);
    assertThat(deadLettered).isGreaterThan(inputs / 3);
  }
}

package io.walstream.bench;

import com.sun.management.OperatingSystemMXBean;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.avro.AvroWriterFactory;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The engine a user would pick instead of the archiver: an Apache Flink job in a local mini-cluster
 * (this JVM) that drains the same topic into files, exactly-once with a checkpoint every second, as
 * Flink's file sink writes them: Avro container files (Flink's Avro bulk writer) compressed with
 * zstd at the archiver's level, rolled at every checkpoint. {@code FlinkPeer BOOTSTRAP TOPIC
 * RECORDS DIR LEVEL} prints {@code third CPU_NS WALL_NS} once a third of the records went through,
 * {@code done CPU_NS WALL_NS} once the job finished (its last checkpoint committed the last files),
 * and {@code bytes N}, what the files hold.
 */
final class FlinkPeer {
  private static final AtomicLong COUNT = new AtomicLong();

  private FlinkPeer() {}

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String topic = args[1];
    long records = Long.parseLong(args[2]);
    java.nio.file.Path dir = java.nio.file.Path.of(args[3]);
    int level = Integer.parseInt(args[4]);
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Configuration conf = new Configuration();
    // A failure ends the run with its cause rather than restarting the job without end.
    conf.setString("restart-strategy.type", "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    env.enableCheckpointing(1000);
    KafkaSource<ChangeRecord> source =
        KafkaSource.<ChangeRecord>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(topic)
            .setGroupId("bench-flink-" + System.nanoTime())
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setBounded(OffsetsInitializer.latest())
            .setProperty("isolation.level", "read_committed")
            .setValueOnlyDeserializer(new Records())
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "kafka")
        .map(new Counted())
        .sinkTo(FileSink.forBulkFormat(new Path(dir.toUri()), writers(level)).build());
    Thread watcher = new Thread(() -> watch(records, os), "bench-flink-watcher");
    watcher.setDaemon(true);
    watcher.start();
    env.execute("walstream bench: Flink peer");
    System.out.printf("done %d %d%n", os.getProcessCpuTime(), System.nanoTime());
    System.out.printf("bytes %d%n", bytes(dir));
    System.out.flush();
    System.exit(COUNT.get() == records ? 0 : 3);
  }

  /**
   * Prints {@code first WALL_NS} at the first record, {@code tenth K WALL_NS} as each tenth went
   * through, {@code third CPU_NS WALL_NS} at a third and {@code all} once every record did (the
   * job's threads still alive: the harness reads their CPU then).
   */
  private static void watch(long records, OperatingSystemMXBean os) {
    boolean first = false;
    boolean third = false;
    int tenths = 0;
    while (tenths < 10) {
      long n = COUNT.get();
      if (!first && n > 0) {
        System.out.printf("first %d%n", System.nanoTime());
        first = true;
      }
      if (!third && n >= records / 3) {
        System.out.printf("third %d %d%n", os.getProcessCpuTime(), System.nanoTime());
        third = true;
      }
      while (tenths < 10 && n >= (tenths + 1) * records / 10) {
        tenths++;
        System.out.printf("tenth %d %d%n", tenths, System.nanoTime());
      }
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
    System.out.println("all");
    System.out.flush();
  }

  /** Avro container files with zstd at {@code level}, the archiver's. */
  private static AvroWriterFactory<ChangeRecord> writers(int level) {
    return new AvroWriterFactory<>(
        out -> {
          DataFileWriter<ChangeRecord> writer =
              new DataFileWriter<>(new SpecificDatumWriter<>(ChangeRecord.class));
          writer.setCodec(CodecFactory.zstandardCodec(level));
          writer.create(ChangeRecord.getClassSchema(), out);
          return writer;
        });
  }

  private static long bytes(java.nio.file.Path dir) throws IOException {
    try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  /** The topic's values, ChangeRecords in Avro single-object encoding. */
  static final class Records extends AbstractDeserializationSchema<ChangeRecord> {
    @Override
    public ChangeRecord deserialize(byte[] message) throws IOException {
      return ChangeRecord.fromByteBuffer(ByteBuffer.wrap(message));
    }
  }

  /** Counts what goes through, for the harness's steady-state window. */
  static final class Counted implements MapFunction<ChangeRecord, ChangeRecord> {
    @Override
    public ChangeRecord map(ChangeRecord record) {
      COUNT.incrementAndGet();
      return record;
    }
  }
}

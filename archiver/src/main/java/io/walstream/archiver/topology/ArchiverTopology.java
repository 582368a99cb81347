package io.walstream.archiver.topology;

import io.walstream.archiver.partition.ArchiverRuntime;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/**
 * The archiver's topology, built by the one factory both the app and the tests use: the input
 * topics (raw bytes, decoded by the processor so that undecodable records reach the dead-letter
 * topic instead of killing the task), the archiving processor, and sinks for the manifests topic
 * and the dead-letter topic.
 */
public final class ArchiverTopology {
  public static final String SOURCE = "changes";
  public static final String PROCESSOR = "archiver";
  public static final String MANIFESTS_SINK = "manifests";
  public static final String DLQ_SINK = "dead-letters";

  private ArchiverTopology() {}

  public static Topology build(ArchiverRuntime runtime) {
    Topology topology = new Topology();
    topology.addSource(
        SOURCE,
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        runtime.config().inputTopics().toArray(String[]::new));
    topology.addProcessor(PROCESSOR, new Supplier(runtime), SOURCE);
    topology.addSink(
        MANIFESTS_SINK,
        runtime.config().manifestsTopic(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        runtime.config().dlqTopic(),
        new ByteArraySerializer(),
        new ByteArraySerializer(),
        PROCESSOR);
    return topology;
  }

  /** Creates one archiving processor per task. */
  static final class Supplier implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
    private final ArchiverRuntime runtime;

    Supplier(ArchiverRuntime runtime) {
      this.runtime = runtime;
    }

    @Override
    public Processor<byte[], byte[], byte[], byte[]> get() {
      return new ArchivingProcessor(runtime, MANIFESTS_SINK, DLQ_SINK);
    }
  }
}

package io.walstream.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What reading Debezium's JSON costs at the least on this machine, without Kafka: the same events
 * tokenized by Jackson's streaming parser (every token visited, nothing built), and read into
 * trees; the ceiling of any app that must look at every field of these events on one core.
 */
final class JsonParseLimit {
  private JsonParseLimit() {}

  /** {tokenize, tree} records/s over {@code count} change events, the better of three passes. */
  static double[] measure(int count) throws IOException {
    DebeziumEvents events = new DebeziumEvents("limit");
    List<byte[]> values = new ArrayList<>();
    while (values.size() < count) {
      for (ProducerRecord<byte[], byte[]> r : events.transaction(3, 1_796_000_000_000_000L)) {
        values.add(r.value());
      }
    }
    JsonFactory factory = new JsonFactory();
    ObjectMapper mapper = new ObjectMapper();
    double tokenize = 0;
    double tree = 0;
    for (int pass = 0; pass < 3; pass++) {
      long start = System.nanoTime();
      long tokens = 0;
      for (byte[] v : values) {
        try (JsonParser p = factory.createParser(v)) {
          while (p.nextToken() != null) {
            tokens++;
          }
        }
      }
      tokenize = Math.max(tokenize, values.size() / ((System.nanoTime() - start) / 1e9));
      start = System.nanoTime();
      long nodes = 0;
      for (byte[] v : values) {
        nodes += mapper.readTree(v).size();
      }
      tree = Math.max(tree, values.size() / ((System.nanoTime() - start) / 1e9));
      if (tokens == 0 || nodes == 0) {
        throw new IllegalStateException("nothing parsed");
      }
    }
    return new double[] {tokenize, tree};
  }
}

package io.walstream.archive.layout;

/**
 * A stream: the changes of one database read from one partition of one source topic. Each stream
 * has its own hash chain, numbered from 0.
 */
public record StreamId(String database, String topic, int partition) {
  public StreamId {
    Names.requireValid("database", database);
    Names.requireValid("topic", topic);
    if (partition < 0) {
      throw new IllegalArgumentException(
          "Cannot use partition " + partition + " of topic " + topic + ": negative");
    }
  }

  @Override
  public String toString() {
    return database + "@" + topic + "-" + partition;
  }
}

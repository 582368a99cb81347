package io.walstream.cli.command;

import io.walstream.restorer.service.RestoreClient;
import io.walstream.restorer.sink.KafkaTopicSink;
import io.walstream.restorer.verify.PublishedManifests;
import io.walstream.service.kafka.KafkaGrant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACLs of the one-shot commands that talk to Kafka, with their default topic names: the rows of
 * the README's ACL table for them. The long-running apps' are in their configs' {@code grants()}.
 */
public final class CommandGrants {
  /** The example target topic of {@code restore --topic} in the README. */
  public static final String EXAMPLE_RESTORE_TOPIC = "shop.restored";

  private CommandGrants() {}

  /** Each command (as the README's table names it) and what it needs. */
  public static Map<String, List<KafkaGrant>> defaults() {
    String commands = "walstream.restore.commands";
    String status = "walstream.restore.status";
    Map<String, List<KafkaGrant>> all = new LinkedHashMap<>();
    all.put("publish", PublishCommand.grants("walstream.changes"));
    all.put(
        "request-restore, request-snapshot, cancel-restore",
        List.of(RestoreClient.sendGrant(commands), RestoreClient.statusGrant(status)));
    all.put("restore-status", List.of(RestoreClient.statusGrant(status)));
    all.put(
        "verify, restore with --bootstrap-servers",
        List.of(PublishedManifests.grant("walstream.manifests")));
    all.put(
        "restore --topic " + EXAMPLE_RESTORE_TOPIC, KafkaTopicSink.grants(EXAMPLE_RESTORE_TOPIC));
    return all;
  }
}

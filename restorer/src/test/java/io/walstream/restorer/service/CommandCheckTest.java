package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.schemas.avro.CommandType;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreTargetSpec;
import io.walstream.schemas.avro.SinkKind;
import io.walstream.schemas.avro.SinkSpec;
import io.walstream.schemas.avro.TargetKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandCheckTest {
  @TempDir Path dir;

  private CommandCheck check(String signatureKey) throws Exception {
    return check(signatureKey, Map.of());
  }

  private CommandCheck check(String signatureKey, Map<String, Object> extra) throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Map<String, Object> m = new HashMap<>(extra);
    m.put("bootstrap.servers", "localhost:9092");
    m.put(RestoreServiceConfig.ARCHIVE_URI, "file:///tmp/archive");
    m.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, dir.resolve("out").toString());
    if (signatureKey != null) {
      m.put(RestoreServiceConfig.SIGNATURE_KEY, signatureKey);
    }
    return new CommandCheck(RestoreServiceConfig.parse(m), () -> Set.of("shop"));
  }

  private RestoreCommand.Builder restore() {
    return RestoreCommand.newBuilder()
        .setCommandId("job-1")
        .setType(CommandType.RESTORE)
        .setDatabase("shop")
        .setTarget(RestoreTargetSpec.newBuilder().setKind(TargetKind.LSN).setLsn(42L).build())
        .setSink(
            SinkSpec.newBuilder()
                .setKind(SinkKind.SQLITE)
                .setPath(dir.resolve("out/shop.db").toString())
                .setOverwrite(false)
                .build())
        .setDryRun(false)
        .setRequestedAt(Instant.parse("2026-11-22T00:00:00Z"));
  }

  @Test
  void shouldResolveTargetAndOutputWhenTheCommandIsValid() throws Exception {
    JobSpec spec = check(null).check(restore().build());

    assertThat(spec.target()).isEqualTo(new RestoreTarget.AtLsn(42));
    assertThat(spec.output())
        .isEqualTo(new JobSpec.Output.SqliteFile(dir.toRealPath().resolve("out/shop.db"), false));
    assertThat(spec.parallelism()).isEqualTo(4);
  }

  private RestoreCommand.Builder latest() {
    return restore().setTarget(RestoreTargetSpec.newBuilder().setKind(TargetKind.LATEST).build());
  }

  private static SinkSpec topic(String topic) {
    return SinkSpec.newBuilder().setKind(SinkKind.KAFKA).setTopic(topic).build();
  }

  @Test
  void shouldAcceptAFollowJobOnAnExistingFileItResumes() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/shop.db"), "a follower's file");

    JobSpec spec = check(null).check(latest().setFollow(true).build());

    assertThat(spec.output())
        .isEqualTo(new JobSpec.Output.SqliteFile(dir.toRealPath().resolve("out/shop.db"), false));
    assertRejected(
        check(null), latest().build(), "exists and the command does not ask to overwrite it");
  }

  @Test
  void shouldRejectAFollowJobThatIsNotLatestIntoAFileOrSchema() throws Exception {
    CommandCheck c = check(null, Map.of(RestoreServiceConfig.KAFKA_ALLOWED_TOPICS, "replay"));

    assertRejected(c, restore().setFollow(true).build(), "a follow job takes target LATEST only");
    assertRejected(
        c, latest().setFollow(true).setDryRun(true).build(), "a follow job cannot be a dry run");
    assertRejected(
        c,
        latest().setFollow(true).setSink(topic("replay")).build(),
        "a follow job keeps a SQLite file or a PostgreSQL schema current, not a topic");
  }

  @Test
  void shouldReplayIntoAListedTopicOnly() throws Exception {
    CommandCheck none = check(null);
    CommandCheck listed =
        check(null, Map.of(RestoreServiceConfig.KAFKA_ALLOWED_TOPICS, "replay, other"));

    assertThat(listed.check(restore().setSink(topic("replay")).build()).output())
        .isEqualTo(new JobSpec.Output.Topic("replay"));
    assertRejected(
        none,
        restore().setSink(topic("replay")).build(),
        "topic replay is not an allowed restore topic (restorer.sink.kafka.allowed-topics is"
            + " empty)");
    assertRejected(
        listed,
        restore().setSink(topic("elsewhere")).build(),
        "topic elsewhere is not an allowed restore topic (restorer.sink.kafka.allowed-topics is"
            + " [replay, other])");
    assertRejected(
        listed, restore().setSink(topic(" ")).build(), "sink kind KAFKA needs sink.topic");
  }

  @Test
  void shouldRejectWithAPreciseReasonForEveryMissingOrWrongField() throws Exception {
    CommandCheck c = check(null);

    assertRejected(c, restore().setCommandId(" ").build(), "commandId is empty");
    assertRejected(c, restore().setDatabase(null).build(), "needs a database");
    assertRejected(c, restore().setDatabase("nope").build(), "'nope' is not in the archive");
    assertRejected(c, restore().setTarget(null).build(), "needs a target");
    assertRejected(
        c,
        restore().setTarget(RestoreTargetSpec.newBuilder().setKind(TargetKind.LSN).build()).build(),
        "target kind LSN needs target.lsn");
    assertRejected(
        c,
        restore()
            .setTarget(RestoreTargetSpec.newBuilder().setKind(TargetKind.TIME).build())
            .build(),
        "target kind TIME needs target.time");
    assertRejected(c, restore().setSink(null).build(), "needs a sink");
    assertRejected(
        c,
        restore()
            .setSink(SinkSpec.newBuilder().setKind(SinkKind.SQLITE).setOverwrite(false).build())
            .build(),
        "sink kind SQLITE needs sink.path");
    assertRejected(
        c,
        restore()
            .setSink(SinkSpec.newBuilder().setKind(SinkKind.JDBC).setOverwrite(false).build())
            .build(),
        "sink kind JDBC needs sink.jdbcUrl");
    assertRejected(
        c,
        restore()
            .setSink(
                SinkSpec.newBuilder()
                    .setKind(SinkKind.JDBC)
                    .setJdbcUrl("jdbc:postgresql://127.0.0.1/x")
                    .setOverwrite(false)
                    .build())
            .build(),
        "matches no allowed prefix");
    assertRejected(c, restore().setParallelism(0).build(), "parallelism 0 is outside 1..64");
  }

  @Test
  void shouldAcceptVerifyOfTheWholeArchiveWhenNoDatabaseIsGiven() throws Exception {
    JobSpec spec =
        check(null)
            .check(restore().setType(CommandType.VERIFY).setDatabase(null).setSink(null).build());

    assertThat(spec.output()).isNull();
  }

  @Test
  void shouldAcceptASnapshotWithATargetAndNoSinkAndRejectOneWithout() throws Exception {
    CommandCheck c = check(null);
    RestoreCommand.Builder snapshot = restore().setType(CommandType.SNAPSHOT).setSink(null);

    JobSpec spec = c.check(snapshot.build());

    assertThat(spec.target()).isEqualTo(new RestoreTarget.AtLsn(42));
    assertThat(spec.output()).isNull();
    assertRejected(c, restore().setType(CommandType.SNAPSHOT).build(), "takes no sink");
    assertRejected(
        c,
        restore().setType(CommandType.SNAPSHOT).setSink(null).setTarget(null).build(),
        "a RESTORE or SNAPSHOT command needs a target");
    assertRejected(
        c,
        restore().setType(CommandType.SNAPSHOT).setSink(null).setDatabase(null).build(),
        "a SNAPSHOT command needs a database");
  }

  @Test
  void shouldRequireTheRightSignatureWhenAKeyIsConfigured() throws Exception {
    CommandCheck c = check("shared-key");
    RestoreCommand unsigned = restore().build();
    RestoreCommand signed = restore().build();
    signed.setSignature(CommandSignature.sign(signed, "shared-key"));
    RestoreCommand wrong = restore().build();
    wrong.setSignature(CommandSignature.sign(wrong, "other-key"));
    RestoreCommand tampered = RestoreCommand.newBuilder(signed).setDatabase("other").build();

    assertRejected(c, unsigned, "requires signed commands");
    assertRejected(c, wrong, "signature does not match");
    assertRejected(c, tampered, "signature does not match");
    assertThat(c.check(signed).commandId()).isEqualTo("job-1");
  }

  private static void assertRejected(CommandCheck c, RestoreCommand command, String reason) {
    assertThatThrownBy(() -> c.check(command))
        .isInstanceOf(CommandCheck.Rejected.class)
        .hasMessageContaining(reason);
  }
}

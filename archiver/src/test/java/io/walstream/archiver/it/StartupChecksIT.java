package io.walstream.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.testing.S3ProxyFixture;
import io.walstream.archiver.app.ArchiverApp;
import io.walstream.archiver.config.ArchiverConfig;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.testing.KafkaBroker;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The archiver checks that it can write to its archive before it touches Kafka: a location it
 * cannot write to fails at startup, naming it, with no topic created and nothing consumed.
 */
class StartupChecksIT {
  @Test
  void shouldFailAtStartupNamingTheArchiveWhenItsBucketDoesNotExist() throws Exception {
    String prefix = "nobucket" + UUID.randomUUID().toString().substring(0, 6);
    String uri =
        "s3://no-such-bucket-"
            + prefix.toLowerCase()
            + "/archive?endpoint="
            + S3ProxyFixture.endpoint()
            + "&region=us-east-1&path-style=true";
    Map<String, Object> settings = ArchiverIT.settings(uri, prefix);

    assertThatThrownBy(() -> ArchiverApp.start(ArchiverConfig.parse(settings)).close())
        .isInstanceOf(WalstreamException.class)
        .hasMessageStartingWith(
            "Cannot write to archive s3://no-such-bucket-" + prefix.toLowerCase())
        .hasMessageContaining("_probe/")
        .hasMessageContaining("the archiver must be able to create and delete objects there");

    try (Admin admin = Admin.create(KafkaBroker.clientProperties())) {
      Set<String> topics = admin.listTopics().names().get();
      assertThat(topics).noneMatch(t -> t.startsWith(prefix));
    }
  }
}

package io.walstream.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.junit.jupiter.api.Test;

/** One case per refusal Kafka gives a client, and what is not one. */
class KafkaAccessTest {
  private static final Map<String, Object> SCRAM =
      Map.of(
          "bootstrap.servers",
          "kafka:9093",
          "security.protocol",
          "SASL_SSL",
          "sasl.jaas.config",
          "org.apache.kafka.common.security.scram.ScramLoginModule required"
              + " username=\"archiver\" password=\"hunter2\";");
  private static final List<KafkaGrant> GRANTS =
      List.of(
          KafkaGrant.topic("walstream.changes", AclOperation.READ, AclOperation.DESCRIBE),
          KafkaGrant.topicPrefix("app-", AclOperation.CREATE, AclOperation.READ),
          KafkaGrant.group("app", AclOperation.READ),
          KafkaGrant.transactionalIdPrefix("app", AclOperation.WRITE, AclOperation.DESCRIBE));

  private static String refusal(Throwable t) {
    WalstreamException e = KafkaAccess.refusal(t, SCRAM, "archiver", GRANTS).orElseThrow();
    assertThat(e.kind()).isEqualTo(ErrorKind.NOT_AUTHORIZED);
    assertThat(e.getMessage()).doesNotContain("hunter2");
    return e.getMessage();
  }

  @Test
  void shouldNameThePrincipalOfEachWayOfAuthenticating() {
    assertThat(KafkaAccess.principal(SCRAM)).isEqualTo("User:archiver");
    assertThat(KafkaAccess.principal(Map.of())).isEqualTo("User:ANONYMOUS");
    assertThat(KafkaAccess.principal(Map.of("security.protocol", "ssl")))
        .isEqualTo("the principal of the TLS client certificate");
    assertThat(KafkaAccess.principal(Map.of("security.protocol", "SASL_PLAINTEXT")))
        .isEqualTo("the SASL principal of sasl.jaas.config");
  }

  @Test
  void shouldNameTheOperationsTheComponentNeedsOnARefusedTopic() {
    assertThat(refusal(new TopicAuthorizationException(Set.of("walstream.changes"))))
        .isEqualTo(
            "Kafka refused User:archiver (archiver): no ACL allows DESCRIBE, READ on topic"
                + " 'walstream.changes' (README, Kafka ACLs)");
  }

  @Test
  void shouldNameThePrefixGrantThatCoversARefusedInternalTopic() {
    assertThat(refusal(new TopicAuthorizationException(Set.of("app-staged-repartition"))))
        .endsWith("no ACL allows CREATE, READ on topic prefix 'app-' (README, Kafka ACLs)");
  }

  @Test
  void shouldNameEveryRefusedTopicAndOneTheComponentDoesNotKnow() {
    assertThat(refusal(new TopicAuthorizationException(Set.of("walstream.changes", "other"))))
        .contains("DESCRIBE, READ on topic 'walstream.changes'")
        .contains("no ACL allows its access to topic 'other'");
  }

  @Test
  void shouldNameTheGroup() {
    assertThat(refusal(new GroupAuthorizationException("Not authorized", "app")))
        .endsWith("no ACL allows READ on group 'app' (README, Kafka ACLs)");
  }

  @Test
  void shouldNameTheTransactionalIdPrefix() {
    assertThat(
            refusal(
                new TransactionalIdAuthorizationException(
                    "Transactional Id authorization failed.")))
        .endsWith(
            "no ACL allows DESCRIBE, WRITE on transactional id prefix 'app' (README, Kafka ACLs)");
  }

  @Test
  void shouldNameTheCluster() {
    assertThat(refusal(new ClusterAuthorizationException("Cluster authorization failed.")))
        .endsWith("no ACL allows it on the cluster (Cluster authorization failed.)");
  }

  @Test
  void shouldNameTheServersAndPrincipalOfARefusedCredentialButNotThePassword() {
    assertThat(
            refusal(new SaslAuthenticationException("Authentication failed: invalid credentials")))
        .isEqualTo(
            "Kafka at kafka:9093 refused the credentials of User:archiver (archiver):"
                + " Authentication failed: invalid credentials");
  }

  @Test
  void shouldFindARefusalWrappedByStreamsOrAFuture() {
    Throwable wrapped =
        new KafkaException(
            "task failed",
            new ExecutionException("x", new GroupAuthorizationException("no", "app")));
    assertThat(refusal(wrapped)).contains("group 'app'");
  }

  @Test
  void shouldLeaveWhatIsNoRefusalAlone() {
    assertThat(KafkaAccess.refusal(new TimeoutException("slow"), SCRAM, "archiver", GRANTS))
        .isEmpty();
    Throwable other = new IllegalStateException("bug");
    assertThat(new KafkaAccess.Client(SCRAM, "archiver", GRANTS).explain(other)).isSameAs(other);
  }
}

package io.walstream.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
  @Test
  void shouldHideEveryValueThatMayBeASecretAndKeepTheRest() {
    Map<String, Object> shown =
        Secrets.redacted(
            Map.of(
                "sasl.jaas.config", "ScramLoginModule required username=\"a\" password=\"pw1\";",
                "ssl.keystore.password", "pw2",
                "ssl.key.password", "pw3",
                "schema.registry.basic.auth.user.info", "u:pw4",
                "sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "bootstrap.servers", "kafka:9093",
                "security.protocol", "SASL_SSL"));
    assertThat(shown.toString()).doesNotContain("pw1", "pw2", "pw3", "pw4");
    assertThat(shown)
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.jaas.config", Secrets.HIDDEN);
  }
}

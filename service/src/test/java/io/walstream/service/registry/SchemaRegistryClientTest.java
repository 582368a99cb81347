package io.walstream.service.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
  private final SchemaRegistryDouble registry = new SchemaRegistryDouble();

  SchemaRegistryClientTest() throws Exception {}

  @AfterEach
  void close() {
    registry.close();
  }

  private SchemaRegistryClient client(String userInfo) {
    return new SchemaRegistryClient(registry.url() + "/", userInfo, Duration.ofMillis(1));
  }

  @Test
  void shouldFetchASchemaOnceAndServeItFromTheCacheAfter() {
    registry.register(7, ChangeRecord.getClassSchema());
    SchemaRegistryClient client = client("");
    assertThat(client.schema(7)).isEqualTo(ChangeRecord.getClassSchema());
    assertThat(client.schema(7)).isEqualTo(ChangeRecord.getClassSchema());
    assertThat(registry.requests()).isEqualTo(1);
  }

  @Test
  void shouldRetryServerErrorsAndSucceedWhenTheRegistryRecovers() {
    registry.register(7, ChangeRecord.getClassSchema());
    registry.failNext(2);
    assertThat(client("").schema(7)).isEqualTo(ChangeRecord.getClassSchema());
    assertThat(registry.requests()).isEqualTo(3);
  }

  @Test
  void shouldRaiseATransientErrorWhenServerErrorsOutlastTheRetries() {
    registry.register(7, ChangeRecord.getClassSchema());
    registry.failNext(10);
    assertThatThrownBy(() -> client("").schema(7))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("after 4 attempts")
        .hasMessageContaining("error_code 50001")
        .extracting(e -> ((WalstreamException) e).kind())
        .isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void shouldNameTheIdAndTheRegistrysMessageWhenASchemaIsUnknown() {
    assertThatThrownBy(() -> client("").schema(9))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("no schema 9")
        .hasMessageContaining("error_code 40403: Schema 9 not found");
    assertThat(registry.requests()).isEqualTo(1);
  }

  @Test
  void shouldSendBasicCredentialsAndCallARefusalAConfigurationError() {
    registry.register(7, ChangeRecord.getClassSchema());
    registry.requireCredentials("walstream:secret");
    assertThat(client("walstream:secret").schema(7)).isEqualTo(ChangeRecord.getClassSchema());
    assertThatThrownBy(() -> client("walstream:wrong").schema(7))
        .isInstanceOf(WalstreamException.class)
        .hasMessageContaining("HTTP 401")
        .extracting(e -> ((WalstreamException) e).kind())
        .isEqualTo(ErrorKind.INVALID_CONFIG);
  }

  @Test
  void shouldRaiseATransientErrorWhenNothingListens() {
    String url = registry.url();
    registry.close();
    assertThatThrownBy(() -> new SchemaRegistryClient(url, "", Duration.ofMillis(1)).schema(1))
        .isInstanceOf(WalstreamException.class)
        .extracting(e -> ((WalstreamException) e).kind())
        .isEqualTo(ErrorKind.TRANSIENT);
  }

  @Test
  void shouldReadTheWireFormatAndRefuseOtherBytes() {
    assertThat(ConfluentWire.schemaId(ConfluentWire.frame(258, new byte[] {1}))).isEqualTo(258);
    assertThatThrownBy(() -> ConfluentWire.schemaId(new byte[] {(byte) 0xC3, 1, 0, 0, 0}))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("magic byte 0xc3");
    assertThatThrownBy(() -> ConfluentWire.schemaId(new byte[] {0, 1}))
        .hasMessageContaining("fewer than 5");
  }
}

package io.walstream.archive.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.error.InvalidConfigException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchiveUriTest {
  @Test
  void shouldParseAnS3UriWithEveryParameter() {
    S3Location location =
        ArchiveUri.parseS3(
            URI.create(
                "s3://my-bucket/team/prod?endpoint=http://127.0.0.1:9000&region=eu-west-1&path-style=true"));

    assertThat(location.bucket()).isEqualTo("my-bucket");
    assertThat(location.prefix()).isEqualTo("team/prod/");
    assertThat(location.endpoint()).isEqualTo(URI.create("http://127.0.0.1:9000"));
    assertThat(location.region()).isEqualTo("eu-west-1");
    assertThat(location.pathStyle()).isTrue();
  }

  @Test
  void shouldDefaultRegionAndPrefixWhenAbsent() {
    S3Location location = ArchiveUri.parseS3(URI.create("s3://bucket"));

    assertThat(location.prefix()).isEmpty();
    assertThat(location.region()).isEqualTo("us-east-1");
    assertThat(location.endpoint()).isNull();
    assertThat(location.pathStyle()).isFalse();
  }

  @Test
  void shouldParseAnAbsoluteFileUri() {
    assertThat(ArchiveUri.parseFile(URI.create("file:///var/lib/walstream")))
        .isEqualTo(Path.of("/var/lib/walstream"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no scheme|/var/lib/walstream|no scheme",
        "unknown scheme|gs://bucket/x|unsupported scheme 'gs'",
        "relative file|file:relative/path|the path must be absolute",
        "file with host|file://host/path|a file URI has no host",
        "file with query|file:///x?a=b|takes no parameters",
        "no bucket|s3:///prefix|no bucket",
        "bad bucket|s3://Bad_Bucket/x|invalid name",
        "unknown parameter|s3://bucket/x?endpont=http://h|unknown parameter 'endpont'",
        "bad path style|s3://bucket/x?path-style=yes|path-style must be true or false",
        "bad endpoint|s3://bucket/x?endpoint=ftp://h|endpoint must be an http(s) URL",
        "repeated parameter|s3://bucket/x?region=a&region=b|given twice",
        "not a URI|s3://bucket/x y|Illegal character",
      })
  void shouldRaiseAClearErrorNamingTheUriWhenInvalid(String scenario, String uri, String reason) {
    assertThatThrownBy(() -> ArchiveUri.parse(uri))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("Cannot use archive URI ")
        .hasMessageContaining(reason);
  }

  @Test
  void shouldRaiseAClearErrorWhenNoUriIsGiven() {
    assertThatThrownBy(() -> ArchiveUri.parse(" "))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("Cannot use archive URI: none given");
  }

  @Test
  void shouldOpenAFilesystemStoreForAFileUri(@org.junit.jupiter.api.io.TempDir Path dir) {
    try (ObjectStore store = ObjectStores.open(dir.toUri().toString())) {
      store.putIfAbsent("a/b", ObjectContent.ofBytes(new byte[] {1}));

      assertThat(dir.resolve("a/b")).exists();
      assertThat(store).isInstanceOf(RetryingObjectStore.class);
    }
  }
}

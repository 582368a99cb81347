package io.walstream.restorer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkPolicyTest {
  @TempDir Path root;

  private SinkPolicy policy(boolean allowOverwrite) throws Exception {
    Files.createDirectories(root.resolve("allowed"));
    Map<String, Object> m = new HashMap<>();
    m.put("bootstrap.servers", "localhost:9092");
    m.put(RestoreServiceConfig.ARCHIVE_URI, "file:///tmp/archive");
    m.put(RestoreServiceConfig.SQLITE_ALLOWED_DIRS, root.resolve("allowed").toString());
    m.put(RestoreServiceConfig.JDBC_ALLOWED_URL_PREFIXES, "jdbc:postgresql://127.0.0.1:5432/");
    m.put(RestoreServiceConfig.ALLOW_OVERWRITE, String.valueOf(allowOverwrite));
    return new SinkPolicy(RestoreServiceConfig.parse(m));
  }

  @Test
  void shouldAllowAFileInsideAnAllowedDirectoryWhenItDoesNotExist() throws Exception {
    SinkPolicy.Decision<Path> d = policy(false).sqlite(root + "/allowed/sub/shop.db", false);

    assertThat(d.allowed()).isTrue();
    assertThat(d.value()).isEqualTo(root.toRealPath().resolve("allowed/sub/shop.db"));
  }

  @Test
  void shouldRefuseDotDotThatLeadsOutsideWhenResolved() throws Exception {
    SinkPolicy.Decision<Path> d =
        policy(false).sqlite(root + "/allowed/../elsewhere/shop.db", false);

    assertThat(d.allowed()).isFalse();
    assertThat(d.refusal())
        .contains("outside the allowed directories")
        .contains(RestoreServiceConfig.SQLITE_ALLOWED_DIRS);
  }

  @Test
  void shouldRefuseASymlinkThatLeadsOutsideWhenResolved() throws Exception {
    SinkPolicy p = policy(false);
    Files.createDirectories(root.resolve("secret"));
    Files.createSymbolicLink(root.resolve("allowed/link"), root.resolve("secret"));

    SinkPolicy.Decision<Path> d = p.sqlite(root + "/allowed/link/shop.db", false);

    assertThat(d.allowed()).isFalse();
    assertThat(d.refusal()).contains(root.toRealPath().resolve("secret/shop.db").toString());
  }

  @Test
  void shouldRefuseTheAllowedDirectoryItselfAndDirectoriesWhenGivenAsOutput() throws Exception {
    SinkPolicy p = policy(false);
    Files.createDirectories(root.resolve("allowed/dir"));

    assertThat(p.sqlite(root + "/allowed", false).allowed()).isFalse();
    assertThat(p.sqlite(root + "/allowed/dir", false).refusal()).contains("is a directory");
  }

  @Test
  void shouldRefuseAnExistingFileUnlessBothCommandAndConfigAllowOverwrite() throws Exception {
    SinkPolicy strict = policy(false);
    SinkPolicy lenient = policy(true);
    Files.writeString(root.resolve("allowed/old.db"), "x");
    String path = root + "/allowed/old.db";

    assertThat(strict.sqlite(path, false).refusal()).contains("does not ask to overwrite");
    assertThat(strict.sqlite(path, true).refusal())
        .contains(RestoreServiceConfig.ALLOW_OVERWRITE + " is false");
    assertThat(lenient.sqlite(path, false).allowed()).isFalse();
    assertThat(lenient.sqlite(path, true).allowed()).isTrue();
  }

  @Test
  void shouldAllowOnlyPostgresUrlsUnderAnAllowedPrefixWhenJdbc() throws Exception {
    SinkPolicy p = policy(false);

    assertThat(p.jdbc("jdbc:postgresql://127.0.0.1:5432/postgres?user=x", false).allowed())
        .isTrue();
    assertThat(p.jdbc("jdbc:postgresql://evil:5432/postgres?password=hunter2", false).refusal())
        .contains("matches no allowed prefix")
        .contains("password=***")
        .doesNotContain("hunter2");
    assertThat(p.jdbc("jdbc:mysql://127.0.0.1/x", false).refusal()).contains("only PostgreSQL");
    assertThat(p.jdbc("jdbc:postgresql://127.0.0.1:5432/postgres", true).refusal())
        .contains(RestoreServiceConfig.ALLOW_OVERWRITE);
  }
}

package io.walstream.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InstanceIdsTest {
  @Test
  void shouldNameTheHostAndDifferWhenGeneratedTwice() {
    String a = InstanceIds.generate();
    String b = InstanceIds.generate();

    assertThat(a).matches("[^/]+/[0-9a-f]{8}");
    assertThat(a.substring(0, a.indexOf('/'))).isEqualTo(b.substring(0, b.indexOf('/')));
    assertThat(a).isNotEqualTo(b);
  }
}

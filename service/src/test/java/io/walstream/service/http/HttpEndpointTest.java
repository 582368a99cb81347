package io.walstream.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(HttpEndpoint endpoint, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeMetricsAndTheCurrentHealthWhenAsked() throws Exception {
    AtomicReference<HttpEndpoint.Health> health =
        new AtomicReference<>(new HttpEndpoint.Health(true, "RUNNING"));
    try (HttpEndpoint endpoint = HttpEndpoint.start(0, () -> "walstream_up 1\n", health::get)) {
      HttpResponse<String> metrics = get(endpoint, "/metrics");
      HttpResponse<String> running = get(endpoint, "/health");
      health.set(new HttpEndpoint.Health(false, "ERROR: archive unwritable"));
      HttpResponse<String> failed = get(endpoint, "/health");

      assertThat(endpoint.port()).isPositive();
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).isEqualTo("walstream_up 1\n");
      assertThat(metrics.headers().firstValue("Content-Type"))
          .hasValue("text/plain; charset=utf-8");
      assertThat(running.statusCode()).isEqualTo(200);
      assertThat(running.body()).isEqualTo("RUNNING\n");
      assertThat(failed.statusCode()).isEqualTo(503);
      assertThat(failed.body()).isEqualTo("ERROR: archive unwritable\n");
    }
  }
}

package io.walstream.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A small HTTP endpoint: {@code GET /metrics} in Prometheus text format, {@code GET /health}
 * answering 200 when healthy and 503 otherwise, with the state as the body.
 */
public final class HttpEndpoint implements AutoCloseable {
  /** The state to report, and whether it counts as healthy. */
  public record Health(boolean healthy, String state) {}

  private final HttpServer server;

  private HttpEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Starts serving on {@code port} of all interfaces (0 picks a free port). */
  public static HttpEndpoint start(int port, Supplier<String> metrics, Supplier<Health> health)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/metrics", exchange -> respond(exchange, 200, metrics.get()));
    server.createContext(
        "/health",
        exchange -> {
          Health h = health.get();
          respond(exchange, h.healthy() ? 200 : 503, h.state() + "\n");
        });
    server.setExecutor(null);
    server.start();
    return new HttpEndpoint(server);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

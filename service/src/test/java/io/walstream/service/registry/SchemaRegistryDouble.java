package io.walstream.service.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A test double of the Confluent Schema Registry (no registry can run on these machines): an HTTP
 * server on 127.0.0.1 answering {@code GET /schemas/ids/{id}} as the registry's REST API documents
 * it, {@code {"schema": "<the schema as a JSON string>"}} with content type {@code
 * application/vnd.schemaregistry.v1+json}, and its errors as {@code {"error_code": …, "message":
 * …}}: 40403 "Schema not found" with HTTP 404, 401 without the right basic credentials, and, on
 * request, 50001 with HTTP 500 for the next calls.
 */
public final class SchemaRegistryDouble implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String credentials;

  public SchemaRegistryDouble() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/schemas/ids/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Registers {@code schema} under {@code id}. */
  public void register(int id, Schema schema) {
    schemas.put(id, schema);
  }

  /** The next {@code count} requests answer HTTP 500. */
  public void failNext(int count) {
    failures.set(count);
  }

  /** Requires basic authentication with {@code user:password}. */
  public void requireCredentials(String userInfo) {
    credentials =
        "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  /** Requests served so far. */
  public int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, error(405, "HTTP 405 Method Not Allowed"));
        return;
      }
      if (credentials != null
          && !credentials.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        reply(exchange, 401, error(401, "Unauthorized"));
        return;
      }
      if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        reply(exchange, 500, error(50001, "Error in the backend data store"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      int id;
      try {
        id = Integer.parseInt(path.substring("/schemas/ids/".length()));
      } catch (NumberFormatException e) {
        reply(exchange, 404, error(404, "HTTP 404 Not Found"));
        return;
      }
      Schema schema = schemas.get(id);
      if (schema == null) {
        reply(exchange, 404, error(40403, "Schema " + id + " not found"));
        return;
      }
      reply(exchange, 200, JSON.writeValueAsString(Map.of("schema", schema.toString())));
    }
  }

  private static String error(int code, String message) throws IOException {
    return JSON.writeValueAsString(Map.of("error_code", code, "message", message));
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

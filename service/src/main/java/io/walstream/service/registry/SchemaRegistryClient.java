package io.walstream.service.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * The one call walstream makes of a Confluent Schema Registry: the schema of an id, {@code GET
 * /schemas/ids/{id}} (a schema never changes under its id, so each is fetched once and cached). A
 * 5xx answer or a failed connection is retried a few times, then raised as {@code TRANSIENT} (the
 * caller stops and resumes later; nothing is dead-lettered for an outage); 404 is {@link
 * UnknownSchemaException} with the registry's own error code and message; 401/403 are {@code
 * INVALID_CONFIG}. Basic authentication takes {@code user:password}.
 */
public final class SchemaRegistryClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ATTEMPTS = 4;

  private final String url;
  private final String authorization;
  private final HttpClient http;
  private final Duration backoff;
  private final Map<Integer, Schema> cache = new ConcurrentHashMap<>();

  /**
   * A client of the registry at {@code url}; {@code userInfo} is {@code user:password} or empty.
   */
  public SchemaRegistryClient(String url, String userInfo) {
    this(url, userInfo, Duration.ofMillis(200));
  }

  SchemaRegistryClient(String url, String userInfo, Duration backoff) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.authorization =
        userInfo == null || userInfo.isEmpty()
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    this.backoff = backoff;
  }

  /** The Avro schema registered under {@code id}. */
  public Schema schema(int id) {
    Schema known = cache.get(id);
    if (known != null) {
      return known;
    }
    Schema fetched = fetch(id);
    cache.put(id, fetched);
    return fetched;
  }

  private Schema fetch(int id) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id))
            .timeout(Duration.ofSeconds(10))
            .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
            .GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    String last = "";
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200) {
          return parse(id, response.body());
        }
        if (status < 500) {
          throw refused(id, status, response.body());
        }
        last = "HTTP " + status + " " + errorText(response.body());
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WalstreamException(
            ErrorKind.TRANSIENT, "Interrupted while reading schema " + id + " from " + url, e);
      }
      pause(attempt);
    }
    throw new WalstreamException(
        ErrorKind.TRANSIENT,
        "Cannot read schema "
            + id
            + " from the registry at "
            + url
            + " after "
            + ATTEMPTS
            + " attempts: "
            + last);
  }

  private void pause(int attempt) {
    if (attempt == ATTEMPTS) {
      return;
    }
    try {
      Thread.sleep(backoff.toMillis() << (attempt - 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private WalstreamException refused(int id, int status, String body) {
    if (status == 404) {
      return new UnknownSchemaException(
          "The registry at " + url + " has no schema " + id + ": " + errorText(body));
    }
    return new WalstreamException(
        status == 401 || status == 403 ? ErrorKind.INVALID_CONFIG : ErrorKind.PERMANENT,
        "The registry at "
            + url
            + " refused schema "
            + id
            + ": HTTP "
            + status
            + " "
            + errorText(body));
  }

  private Schema parse(int id, String body) {
    try {
      JsonNode node = JSON.readTree(body);
      String type = node.path("schemaType").asText("AVRO");
      if (!"AVRO".equals(type)) {
        throw new UnknownSchemaException(
            "Schema " + id + " at " + url + " is " + type + ", not AVRO");
      }
      return new Schema.Parser().parse(node.path("schema").asText());
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnknownSchemaException u) {
        throw u;
      }
      throw new UnknownSchemaException(
          "Schema " + id + " from " + url + " is not an Avro schema: " + e.getMessage(), e);
    }
  }

  /** The registry's error body, {@code {"error_code":…,"message":…}}, as one line. */
  private static String errorText(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node.has("error_code")) {
        return "error_code "
            + node.path("error_code").asText()
            + ": "
            + node.path("message").asText();
      }
    } catch (IOException e) {
      // Not JSON: the body itself says what there is to say.
    }
    return body == null ? "" : body.strip();
  }
}

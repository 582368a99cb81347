package io.walstream.archive.store;

import io.walstream.archive.error.InvalidConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses archive URIs:
 *
 * <ul>
 *   <li>{@code file:///absolute/path}
 *   <li>{@code s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1&path-style=true}
 *       (all parameters optional; region defaults to {@code us-east-1})
 * </ul>
 *
 * Anything else is an {@link InvalidConfigException} naming the URI and the problem, raised at
 * startup rather than at the first write.
 */
public final class ArchiveUri {
  static final long DEFAULT_MULTIPART_THRESHOLD = 64L * 1024 * 1024;
  static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
  static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(120);
  private static final Set<String> S3_PARAMETERS = Set.of("endpoint", "region", "path-style");

  private ArchiveUri() {}

  /** A {@code file:} URI as the directory it names. */
  public static Path parseFile(URI uri) {
    if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
      throw invalid(uri, "a file URI has no host; use file:///absolute/path");
    }
    if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
      throw invalid(uri, "the path must be absolute, e.g. file:///var/lib/walstream");
    }
    if (uri.getQuery() != null) {
      throw invalid(uri, "a file URI takes no parameters");
    }
    return Path.of(uri);
  }

  /** An {@code s3:} URI as the location it names. */
  public static S3Location parseS3(URI uri) {
    // An invalid host name (e.g. with an underscore) leaves getHost() null; keep it for the error.
    String bucket = uri.getHost() != null ? uri.getHost() : uri.getAuthority();
    if (bucket == null) {
      throw invalid(uri, "no bucket; use s3://bucket/prefix");
    }
    Map<String, String> parameters = parameters(uri);
    for (String name : parameters.keySet()) {
      if (!S3_PARAMETERS.contains(name)) {
        throw invalid(uri, "unknown parameter '" + name + "', expected one of " + S3_PARAMETERS);
      }
    }
    URI endpoint = endpoint(uri, parameters.get("endpoint"));
    String pathStyle = parameters.getOrDefault("path-style", "false");
    if (!pathStyle.equals("true") && !pathStyle.equals("false")) {
      throw invalid(uri, "path-style must be true or false, not '" + pathStyle + "'");
    }
    String prefix = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
    try {
      return new S3Location(
          bucket,
          prefix,
          endpoint,
          parameters.getOrDefault("region", "us-east-1"),
          Boolean.parseBoolean(pathStyle),
          DEFAULT_MULTIPART_THRESHOLD,
          DEFAULT_PART_SIZE,
          DEFAULT_ATTEMPT_TIMEOUT,
          DEFAULT_CALL_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException("Cannot use archive URI " + uri + ": " + e.getMessage(), e);
    }
  }

  /** Parses text into a URI whose scheme is {@code file} or {@code s3}. */
  public static URI parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidConfigException("Cannot use archive URI: none given");
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new InvalidConfigException(
          "Cannot use archive URI '" + text + "': " + e.getMessage(), e);
    }
    if (uri.getScheme() == null) {
      throw invalid(uri, "no scheme; use file:///absolute/path or s3://bucket/prefix");
    }
    switch (uri.getScheme()) {
      case "file" -> parseFile(uri);
      case "s3" -> parseS3(uri);
      default -> throw invalid(uri, "unsupported scheme '" + uri.getScheme() + "'");
    }
    return uri;
  }

  private static URI endpoint(URI uri, String text) {
    if (text == null) {
      return null;
    }
    try {
      URI endpoint = new URI(text);
      if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())
          || endpoint.getHost() == null) {
        throw invalid(uri, "endpoint must be an http(s) URL with a host, not '" + text + "'");
      }
      return endpoint;
    } catch (URISyntaxException e) {
      throw invalid(uri, "endpoint '" + text + "' is not a URL");
    }
  }

  private static Map<String, String> parameters(URI uri) {
    Map<String, String> parameters = new LinkedHashMap<>();
    String query = uri.getRawQuery();
    if (query == null || query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw invalid(uri, "parameter '" + pair + "' is not name=value");
      }
      String name = URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      if (parameters.put(name, value) != null) {
        throw invalid(uri, "parameter '" + name + "' given twice");
      }
    }
    return parameters;
  }

  private static InvalidConfigException invalid(URI uri, String reason) {
    return new InvalidConfigException("Cannot use archive URI " + uri + ": " + reason);
  }
}

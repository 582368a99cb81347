package io.walstream.service.kafka;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings as they may be shown: the value of every key that can hold a secret (passwords, JAAS
 * configurations with their credentials, keys, tokens, basic-auth user info) replaced by {@code
 * [hidden]}, as Kafka's own config logging does.
 */
public final class Secrets {
  /** What a hidden value shows. */
  public static final String HIDDEN = "[hidden]";

  private static final String[] SECRET_PARTS = {
    "password", "jaas", "secret", "token", "user.info", "credential", ".key", "keystore.key"
  };

  private Secrets() {}

  /** Whether {@code key}'s value may be a secret. */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    for (String part : SECRET_PARTS) {
      if (k.contains(part)) {
        return true;
      }
    }
    return false;
  }

  /** {@code settings}, sorted, with secret values hidden. */
  public static Map<String, Object> redacted(Map<String, ?> settings) {
    Map<String, Object> shown = new TreeMap<>();
    settings.forEach((k, v) -> shown.put(k, isSecret(k) ? HIDDEN : v));
    return shown;
  }

  /**
   * {@code streams=…, schemaRegistryUserInfo=…, registry=…}: what an app's config shows of its
   * Kafka settings and Schema Registry access, with the secrets hidden.
   */
  public static String shownSettings(
      Map<String, ?> streams, String registryUserInfo, String registryUrl) {
    return "streams="
        + redacted(streams)
        + ", schemaRegistryUserInfo="
        + (registryUserInfo == null || registryUserInfo.isEmpty() ? "" : HIDDEN)
        + ", registry="
        + registryUrl;
  }
}

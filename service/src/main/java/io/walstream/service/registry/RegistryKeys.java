package io.walstream.service.registry;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/** The Schema Registry keys every walstream app that reads the Confluent wire format declares. */
public final class RegistryKeys {
  public static final String URL = "schema.registry.url";
  public static final String USER_INFO = "schema.registry.basic.auth.user.info";

  private RegistryKeys() {}

  /** Declares both keys on {@code definition}; {@code usedBy} names the setting that needs them. */
  public static ConfigDef define(ConfigDef definition, String usedBy) {
    return definition
        .define(
            URL,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Base URL of the Confluent Schema Registry that "
                + usedBy
                + " reads writer schemas from (GET /schemas/ids/{id}); restores never need it.")
        .define(
            USER_INFO,
            Type.PASSWORD,
            null,
            Importance.LOW,
            "Basic authentication to the Schema Registry, as user:password; unset: none.");
  }

  /** The user info of the parsed keys, empty when unset. */
  public static String userInfo(AbstractConfig config) {
    Password userInfo = config.getPassword(USER_INFO);
    return userInfo == null ? "" : userInfo.value();
  }
}

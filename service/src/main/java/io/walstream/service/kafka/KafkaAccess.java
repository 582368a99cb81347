package io.walstream.service.kafka;

import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Kafka's refusals of a client, in one line each: a bad credential, or an operation no ACL allows.
 * Kafka tells a client which resource it was refused but not which operation, so the line names the
 * operations the component needs on that resource, from its list of {@link KafkaGrant}s (the
 * README's ACL table). Such a failure is {@link ErrorKind#NOT_AUTHORIZED}: retrying cannot help
 * until someone changes the broker's ACLs or the credentials, so the long-running apps stop.
 */
public final class KafkaAccess {
  private static final Pattern USERNAME = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"");

  private KafkaAccess() {}

  /**
   * A long-running component's Kafka identity: its client settings, its name in messages and the
   * ACLs it needs.
   */
  public record Client(Map<String, ?> settings, String component, List<KafkaGrant> grants) {
    public Client {
      settings = Map.copyOf(settings);
      java.util.Objects.requireNonNull(component, "component");
      grants = List.copyOf(grants);
    }

    /** The refusal {@code failure} is, in one line, or {@code failure} itself. */
    public Throwable explain(Throwable failure) {
      Optional<WalstreamException> refused = refusal(failure, settings, component, grants);
      return refused.isPresent() ? refused.get() : failure;
    }
  }

  /**
   * The principal a client with {@code clientProperties} authenticates as, as the broker names it:
   * {@code User:<name>} for SASL PLAIN and SCRAM, {@code User:ANONYMOUS} without authentication.
   * The password is never read.
   */
  public static String principal(Map<String, ?> clientProperties) {
    Object protocol = clientProperties.get("security.protocol");
    String p =
        protocol == null ? "PLAINTEXT" : protocol.toString().toUpperCase(java.util.Locale.ROOT);
    if (p.startsWith("SASL")) {
      Object jaas = clientProperties.get("sasl.jaas.config");
      Matcher m = USERNAME.matcher(jaas == null ? "" : jaas.toString());
      return m.find() ? "User:" + m.group(1) : "the SASL principal of sasl.jaas.config";
    }
    return p.equals("SSL") ? "the principal of the TLS client certificate" : "User:ANONYMOUS";
  }

  /**
   * The NOT_AUTHORIZED failure {@code failure} (or one of its causes) is, naming the principal, the
   * operation {@code component} needs and the resource; empty when it is no refusal.
   */
  public static Optional<WalstreamException> refusal(
      Throwable failure,
      Map<String, ?> clientProperties,
      String component,
      List<KafkaGrant> grants) {
    String principal = principal(clientProperties);
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String refused = refused(t, clientProperties, component, grants);
      if (refused != null) {
        String message =
            refused.startsWith("Kafka at")
                ? refused
                : "Kafka refused " + principal + " (" + component + "): " + refused;
        return Optional.of(new WalstreamException(ErrorKind.NOT_AUTHORIZED, message, failure));
      }
    }
    return Optional.empty();
  }

  private static String refused(
      Throwable t, Map<String, ?> clientProperties, String component, List<KafkaGrant> grants) {
    if (t instanceof AuthenticationException) {
      return "Kafka at "
          + clientProperties.get("bootstrap.servers")
          + " refused the credentials of "
          + principal(clientProperties)
          + " ("
          + component
          + "): "
          + t.getMessage();
    }
    if (t instanceof TopicAuthorizationException e) {
      if (e.unauthorizedTopics().isEmpty()) {
        return "no ACL allows it on a topic (" + e.getMessage() + ")";
      }
      List<String> each = new ArrayList<>();
      for (String topic : new java.util.TreeSet<>(e.unauthorizedTopics())) {
        each.add(needs(ResourceType.TOPIC, topic, grants));
      }
      return String.join("; ", each);
    }
    if (t instanceof GroupAuthorizationException e) {
      return needs(ResourceType.GROUP, e.groupId() == null ? "?" : e.groupId(), grants);
    }
    if (t instanceof TransactionalIdAuthorizationException) {
      Object id = clientProperties.get("transactional.id");
      return needs(ResourceType.TRANSACTIONAL_ID, id == null ? "" : id.toString(), grants);
    }
    if (t instanceof ClusterAuthorizationException) {
      return "no ACL allows it on the cluster (" + t.getMessage() + ")";
    }
    return null;
  }

  /** "no ACL allows READ, DESCRIBE on topic 'x'", from the grants that cover the resource. */
  private static String needs(ResourceType type, String resource, List<KafkaGrant> grants) {
    for (KafkaGrant g : grants) {
      if (g.covers(type, resource) || (type == ResourceType.TRANSACTIONAL_ID && g.type() == type)) {
        // The grant as the README lists it: a prefix names the prefix, not the one id refused.
        String where = g.resource();
        return "no ACL allows "
            + String.join(", ", g.operationNames())
            + " on "
            + where
            + " (README, Kafka ACLs)";
      }
    }
    return "no ACL allows its access to "
        + KafkaGrant.resourceWord(type)
        + " '"
        + resource
        + "' (README, Kafka ACLs)";
  }
}

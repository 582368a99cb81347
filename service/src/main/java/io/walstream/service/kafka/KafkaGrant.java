package io.walstream.service.kafka;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * One ACL a walstream component needs: {@code operations} on a resource ({@code name}, literal or a
 * prefix). The components' lists are the README's table of least-privilege ACLs, and name the
 * operation when Kafka refuses one.
 */
public record KafkaGrant(
    ResourceType type, String name, PatternType pattern, Set<AclOperation> operations) {
  public KafkaGrant {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(pattern, "pattern");
    if (pattern != PatternType.LITERAL && pattern != PatternType.PREFIXED) {
      throw new IllegalArgumentException("pattern must be LITERAL or PREFIXED: " + pattern);
    }
    if (operations.isEmpty()) {
      throw new IllegalArgumentException("a grant of no operation on " + name);
    }
    operations = Set.copyOf(operations);
  }

  /** {@code operations} on topic {@code name}. */
  public static KafkaGrant topic(String name, AclOperation... operations) {
    return new KafkaGrant(ResourceType.TOPIC, name, PatternType.LITERAL, Set.of(operations));
  }

  /** {@code operations} on every topic whose name starts with {@code prefix}. */
  public static KafkaGrant topicPrefix(String prefix, AclOperation... operations) {
    return new KafkaGrant(ResourceType.TOPIC, prefix, PatternType.PREFIXED, Set.of(operations));
  }

  /** {@code operations} on consumer group {@code name}. */
  public static KafkaGrant group(String name, AclOperation... operations) {
    return new KafkaGrant(ResourceType.GROUP, name, PatternType.LITERAL, Set.of(operations));
  }

  /** {@code operations} on every transactional id that starts with {@code prefix}. */
  public static KafkaGrant transactionalIdPrefix(String prefix, AclOperation... operations) {
    return new KafkaGrant(
        ResourceType.TRANSACTIONAL_ID, prefix, PatternType.PREFIXED, Set.of(operations));
  }

  /** Whether this grant covers the resource {@code type}/{@code resource}. */
  public boolean covers(ResourceType type, String resource) {
    return this.type == type
        && (pattern == PatternType.LITERAL ? name.equals(resource) : resource.startsWith(name));
  }

  /** The operations, in a fixed order: {@code DESCRIBE, READ}. */
  public List<String> operationNames() {
    TreeSet<String> names = new TreeSet<>();
    operations.forEach(o -> names.add(o.name()));
    return List.copyOf(names);
  }

  /** How the resource is named in messages and the README: {@code topic 'x'}, {@code group 'g'}. */
  public String resource() {
    return resourceWord(type) + (pattern == PatternType.PREFIXED ? " prefix '" : " '") + name + "'";
  }

  /** The resource type as the README names it: {@code topic}, {@code transactional id}. */
  public String typeWord() {
    return resourceWord(type);
  }

  static String resourceWord(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case TRANSACTIONAL_ID -> "transactional id";
      case CLUSTER -> "cluster";
      default -> type.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}

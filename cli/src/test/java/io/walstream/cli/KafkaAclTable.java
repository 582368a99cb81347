package io.walstream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The README's table of the Kafka ACLs each component needs ("Kafka ACLs"), read as a user would
 * read it: the secured-cluster tests grant exactly these, no more.
 */
final class KafkaAclTable {
  static final String HEADING = "### Kafka ACLs";

  /** One row: {@code | component | resource | name | pattern | operations |}. */
  record Row(String component, String resource, String name, String pattern, String operations) {
    /** The row as ACL bindings allowing {@code principal} each operation from any host. */
    List<AclBinding> bindings(String principal) {
      ResourceType type =
          switch (resource) {
            case "topic" -> ResourceType.TOPIC;
            case "group" -> ResourceType.GROUP;
            case "transactional id" -> ResourceType.TRANSACTIONAL_ID;
            case "cluster" -> ResourceType.CLUSTER;
            default -> throw new IllegalArgumentException("resource " + resource);
          };
      PatternType patternType = PatternType.valueOf(pattern.toUpperCase(Locale.ROOT));
      List<AclBinding> out = new ArrayList<>();
      for (String op : operations.split(",")) {
        out.add(
            new AclBinding(
                new ResourcePattern(type, name, patternType),
                new AccessControlEntry(
                    principal,
                    "*",
                    AclOperation.valueOf(op.strip().replace(' ', '_')),
                    AclPermissionType.ALLOW)));
      }
      return out;
    }
  }

  private KafkaAclTable() {}

  /** Every row of the README's table. */
  static List<Row> rows() {
    String all;
    try {
      all = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read README.md", e);
    }
    int start = all.indexOf(HEADING);
    if (start < 0) {
      throw new IllegalStateException("README.md has no section " + HEADING);
    }
    int end = all.indexOf("\n#", start + HEADING.length());
    List<Row> rows = new ArrayList<>();
    for (String line : all.substring(start, end < 0 ? all.length() : end).split("\n")) {
      if (!line.startsWith("| ") || line.startsWith("| component") || line.startsWith("|---")) {
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|");
      rows.add(
          new Row(
              strip(cells[0]), strip(cells[1]), strip(cells[2]), strip(cells[3]), strip(cells[4])));
    }
    return rows;
  }

  /** The rows of one component. */
  static List<Row> of(String component) {
    List<Row> rows = rows().stream().filter(r -> r.component().equals(component)).toList();
    if (rows.isEmpty()) {
      throw new IllegalStateException("README.md lists no ACLs for " + component);
    }
    return rows;
  }

  private static String strip(String cell) {
    return cell.strip().replace("`", "");
  }
}

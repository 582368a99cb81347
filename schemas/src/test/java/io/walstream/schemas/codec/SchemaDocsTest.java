package io.walstream.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Every named type and every field of every shipped schema carries a doc. */
class SchemaDocsTest {
  @Test
  void shouldDocumentEveryFieldWhenSchemaIsShipped() {
    List<String> undocumented = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Schema schema : SchemaCatalog.shipped().schemas()) {
      collect(schema, undocumented, seen);
    }

    assertThat(SchemaCatalog.shipped().schemas()).hasSizeGreaterThanOrEqualTo(4);
    assertThat(undocumented).isEmpty();
  }

  private static void collect(Schema schema, List<String> undocumented, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD -> {
        if (!seen.add(schema.getFullName())) {
          return;
        }
        requireDoc(schema.getFullName(), schema.getDoc(), undocumented);
        for (Schema.Field field : schema.getFields()) {
          requireDoc(schema.getFullName() + "." + field.name(), field.doc(), undocumented);
          collect(field.schema(), undocumented, seen);
        }
      }
      case ENUM -> {
        if (seen.add(schema.getFullName())) {
          requireDoc(schema.getFullName(), schema.getDoc(), undocumented);
        }
      }
      case UNION -> schema.getTypes().forEach(t -> collect(t, undocumented, seen));
      case MAP -> collect(schema.getValueType(), undocumented, seen);
      case ARRAY -> collect(schema.getElementType(), undocumented, seen);
      default -> {}
    }
  }

  private static void requireDoc(String name, String doc, List<String> undocumented) {
    if (doc == null || doc.isBlank()) {
      undocumented.add(name);
    }
  }
}

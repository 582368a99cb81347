package io.walstream.schemas.codec;

import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.avro.RestoreStatus;
import io.walstream.schemas.avro.SegmentManifest;
import io.walstream.schemas.avro.SnapshotRow;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;

/**
 * An immutable set of writer schemas addressable by their CRC-64-AVRO fingerprint.
 *
 * <p>{@link #shipped()} knows every schema version the project has ever shipped: the current
 * generated classes plus the historical {@code .avsc} files listed in {@code
 * io/walstream/schemas/history/index.txt}. A record written with any of them decodes. Schemas found
 * elsewhere (for example stored in an archive) are added with {@link #with(Schema)}.
 */
public final class SchemaCatalog implements SchemaStore {
  private static final String HISTORY = "/io/walstream/schemas/history/";
  private static final SchemaCatalog SHIPPED = loadShipped();

  private final Map<Long, Schema> byFingerprint;

  private SchemaCatalog(Map<Long, Schema> byFingerprint) {
    this.byFingerprint = Map.copyOf(byFingerprint);
  }

  /** Every schema version walstream has shipped. */
  public static SchemaCatalog shipped() {
    return SHIPPED;
  }

  /** A catalog holding exactly the given schemas. */
  public static SchemaCatalog of(Collection<Schema> schemas) {
    Map<Long, Schema> map = new TreeMap<>();
    for (Schema schema : schemas) {
      map.put(fingerprint(schema), schema);
    }
    return new SchemaCatalog(map);
  }

  /** This catalog plus {@code schema}. */
  public SchemaCatalog with(Schema schema) {
    Map<Long, Schema> map = new TreeMap<>(byFingerprint);
    map.put(fingerprint(schema), schema);
    return new SchemaCatalog(map);
  }

  /** The CRC-64-AVRO fingerprint of the schema's parsing canonical form. */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /** A fingerprint as 16 lowercase hex digits, as manifests record it. */
  public static String fingerprintHex(long fingerprint) {
    return String.format("%016x", fingerprint);
  }

  @Override
  public Schema findByFingerprint(long fingerprint) {
    return byFingerprint.get(fingerprint);
  }

  /** All schemas in this catalog. */
  public Collection<Schema> schemas() {
    return byFingerprint.values();
  }

  private static SchemaCatalog loadShipped() {
    List<Schema> schemas = new ArrayList<>();
    schemas.add(ChangeRecord.getClassSchema());
    schemas.add(SegmentManifest.getClassSchema());
    schemas.add(RestoreCommand.getClassSchema());
    schemas.add(RestoreStatus.getClassSchema());
    schemas.add(SnapshotRow.getClassSchema());
    for (String name : historyIndex()) {
      schemas.add(parseResource(HISTORY + name));
    }
    return of(schemas);
  }

  private static List<String> historyIndex() {
    List<String> names = new ArrayList<>();
    try (InputStream in = SchemaCatalog.class.getResourceAsStream(HISTORY + "index.txt")) {
      if (in == null) {
        throw new IllegalStateException(
            "Cannot load schema history " + HISTORY + "index.txt: not on the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        String name = line.strip();
        if (!name.isEmpty() && !name.startsWith("#")) {
          names.add(name);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read schema history index", e);
    }
    return names;
  }

  private static Schema parseResource(String path) {
    try (InputStream in = SchemaCatalog.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(
            "Cannot load shipped schema " + path + ": listed in the index but missing");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read shipped schema " + path, e);
    }
  }
}

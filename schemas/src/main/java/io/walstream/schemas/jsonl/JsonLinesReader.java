package io.walstream.schemas.jsonl;

import io.walstream.schemas.avro.ChangeRecord;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams change records from JSON Lines text. Blank lines are skipped; the first bad line raises
 * {@link JsonLinesException} with its number, and nothing after it is read.
 */
public final class JsonLinesReader implements Iterator<ChangeRecord>, Closeable {
  private final BufferedReader reader;
  private long lineNumber;
  private String pending;

  public JsonLinesReader(Reader reader) {
    this.reader = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
  }

  /** The number of the line the last record came from. */
  public long lineNumber() {
    return lineNumber;
  }

  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    try {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          pending = line;
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read JSON Lines after line " + lineNumber, e);
    }
  }

  @Override
  public ChangeRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more change records after line " + lineNumber);
    }
    String line = pending;
    pending = null;
    return JsonLines.parse(line, lineNumber);
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}

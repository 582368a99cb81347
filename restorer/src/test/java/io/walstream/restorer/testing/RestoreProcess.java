package io.walstream.restorer.testing;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.schemas.avro.ChangeRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A restore in its own process that halts (as abruptly as SIGKILL) after applying N transactions:
 * {@code RestoreProcess <archive dir> <output> <N>}.
 */
public final class RestoreProcess {
  private RestoreProcess() {}

  public static void main(String[] args) {
    Path archive = Path.of(args[0]);
    Path output = Path.of(args[1]);
    int haltAfter = Integer.parseInt(args[2]);
    SqliteSink real = SqliteSink.open(output, false);
    Sink halting =
        new Sink() {
          private int applied;

          @Override
          public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
            real.apply(transaction, position);
            if (++applied == haltAfter) {
              Runtime.getRuntime().halt(137);
            }
          }

          @Override
          public java.util.OptionalLong resume(String database, String target) {
            return real.resume(database, target);
          }

          @Override
          public void commit() {
            real.commit();
          }

          @Override
          public void abort() {
            real.abort();
          }

          @Override
          public Map<String, Long> rowCounts() {
            return real.rowCounts();
          }
        };
    new Restorer(new FileSystemObjectStore(archive))
        .restore("shop", new RestoreTarget.Latest(), halting);
  }
}

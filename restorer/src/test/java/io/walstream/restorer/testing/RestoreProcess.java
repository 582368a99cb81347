package io.walstream.restorer.testing;

import io.walstream.archive.store.FileSystemObjectStore;
import io.walstream.restorer.Restorer;
import io.walstream.restorer.plan.RestoreTarget;
import io.walstream.restorer.sink.ForwardingSink;
import io.walstream.restorer.sink.PostgresSink;
import io.walstream.restorer.sink.Sink;
import io.walstream.restorer.sink.SqliteSink;
import io.walstream.restorer.sink.TransactionPosition;
import io.walstream.schemas.avro.ChangeRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A restore of database {@code shop} to its latest in its own process that, after applying N
 * transactions and waiting for the sink to execute them, prints {@value #MARKER} N and stops
 * applying until the test kills it with SIGKILL: {@code RestoreProcess <archive dir> <output file>
 * <N>} into SQLite, {@code RestoreProcess <archive dir> <jdbc url> <N> <schema>} into PostgreSQL.
 */
public final class RestoreProcess {
  /** What the process prints once it has applied N transactions and waits to be killed. */
  public static final String MARKER = "APPLIED";

  private RestoreProcess() {}

  public static void main(String[] args) {
    Path archive = Path.of(args[0]);
    int stopAfter = Integer.parseInt(args[2]);
    Sink real =
        args.length > 3
            ? PostgresSink.open(args[1], args[3], false)
            : SqliteSink.open(Path.of(args[1]), false);
    Sink stopping =
        new ForwardingSink(real) {
          private int applied;

          @Override
          public void apply(List<ChangeRecord> transaction, TransactionPosition position) {
            super.apply(transaction, position);
            if (++applied == stopAfter) {
              // Waits until the sink has executed everything handed to it (as a row count
              // must): every batch commit up to here is in, the rows after the last one executed
              // but not committed, whatever the writing thread's lag.
              super.rowCounts();
              System.out.println(MARKER + " " + applied);
              System.out.flush();
              while (true) {
                LockSupport.park();
              }
            }
          }
        };
    new Restorer(new FileSystemObjectStore(archive))
        .restore("shop", new RestoreTarget.Latest(), stopping);
  }
}

package io.walstream.bench;

import com.github.luben.zstd.Zstd;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.format.Sha256;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;

/**
 * What archiving a record costs at the least, besides reading it: zstd at the archiver's level and
 * SHA-256 over the same record bytes the preloaded topic holds (the workload regenerated with its
 * seed), one thread, one call each per {@value SegmentFormat#BLOCK_SIZE}-byte block, as {@code
 * Bench segment} measures them. Only the calls are timed (thread CPU), not the regeneration.
 */
final class UnavoidableWork {
  private static final SingleObjectCodec<ChangeRecord> CODEC =
      SingleObjectCodec.of(ChangeRecord.class);

  private UnavoidableWork() {}

  /** CPU seconds a record for zstd and SHA-256, the better of two passes. */
  static double cpuSecondsPerRecord(int records, int level) {
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 2; pass++) {
      best = Math.min(best, pass(records, level));
    }
    return best;
  }

  private static double pass(int records, int level) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Workload workload = new Workload(7);
    MessageDigest sha = Sha256.newDigest();
    byte[] block = new byte[SegmentFormat.BLOCK_SIZE];
    int filled = 0;
    long cpu = 0;
    long sink = 0;
    for (int done = 0; done < records; ) {
      for (ChangeRecord record : workload.next("shop", Math.min(10_000, records - done))) {
        byte[] bytes = CODEC.encode(record);
        done++;
        for (int off = 0; off < bytes.length; ) {
          int n = Math.min(bytes.length - off, block.length - filled);
          System.arraycopy(bytes, off, block, filled, n);
          off += n;
          filled += n;
          if (filled == block.length || (done == records && off == bytes.length)) {
            byte[] chunk = filled == block.length ? block : java.util.Arrays.copyOf(block, filled);
            long start = threads.getCurrentThreadCpuTime();
            sink += Zstd.compress(chunk, level).length;
            sha.update(chunk);
            cpu += threads.getCurrentThreadCpuTime() - start;
            filled = 0;
          }
        }
      }
    }
    if (sink == 0 || sha.digest().length != 32) {
      throw new IllegalStateException("nothing compressed");
    }
    return cpu / 1e9 / records;
  }
}

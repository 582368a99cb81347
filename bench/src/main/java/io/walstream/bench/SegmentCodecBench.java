package io.walstream.bench;

import com.github.luben.zstd.Zstd;
import io.walstream.archive.format.EncodedSegment;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.layout.StreamId;
import io.walstream.schemas.avro.ChangeRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Segment encode and decode throughput beside the limits on the same bytes in the same run: raw
 * SHA-256 and raw zstd (level {@value SegmentFormat#ZSTD_LEVEL}, block-sized chunks) over the
 * uncompressed Avro encoding of the records. Throughput is always counted in uncompressed record
 * bytes, so the numbers compare directly.
 */
final class SegmentCodecBench implements Bench.Scenario {
  private static final StreamId STREAM = new StreamId("shop", "walstream.changes", 0);

  @Override
  public String description() {
    return "segment encode/decode MB/s vs raw SHA-256 and zstd [records=200000] [perSegment=20000] [rounds=5]";
  }

  @Override
  public void run(String[] args) throws IOException {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int perSegment = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<List<ChangeRecord>> batches = new ArrayList<>();
    Workload workload = new Workload(42);
    for (int done = 0; done < records; done += perSegment) {
      batches.add(workload.next("shop", Math.min(perSegment, records - done)));
    }
    byte[] raw = rawAvro(batches);
    List<EncodedSegment> encoded = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      encoded.add(SegmentWriter.encode(STREAM, i, batches.get(i)));
    }
    long compressed = encoded.stream().mapToLong(e -> e.bytes().length).sum();

    // Interleaved, so that a noisy neighbour slows every measure alike rather than one of them.
    double[] best =
        bestInterleaved(
            rounds,
            raw.length,
            List.of(
                () -> sha256(raw),
                () -> zstd(raw),
                () -> encodeAll(batches),
                () -> decodeAll(encoded)));
    double sha = best[0];
    double zstd = best[1];
    double encode = best[2];
    double decode = best[3];
    double limit = Math.min(sha, zstd);

    System.out.printf(
        "records=%d segments=%d uncompressed=%.1f MB stored=%.1f MB (%.1f%%) avg record=%d B%n",
        records,
        batches.size(),
        raw.length / 1e6,
        compressed / 1e6,
        100.0 * compressed / raw.length,
        raw.length / records);
    System.out.println("| measure | MB/s (uncompressed) | ratio |");
    System.out.println("|---|---:|---:|");
    System.out.printf("| raw SHA-256 | %.0f | |%n", sha);
    System.out.printf("| raw zstd level %d | %.0f | |%n", SegmentFormat.ZSTD_LEVEL, zstd);
    System.out.printf(
        "| segment encode | %.0f | %.2f × min(sha256, zstd) |%n", encode, encode / limit);
    System.out.printf(
        "| segment decode | %.0f | %.2f × min(sha256, zstd) |%n", decode, decode / limit);
    System.out.printf(
        "encode ratio %.2f (goal >= 0.60): %s%n",
        encode / limit, encode / limit >= 0.6 ? "met" : "NOT met");
  }

  private static byte[] rawAvro(List<List<ChangeRecord>> batches) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SpecificDatumWriter<ChangeRecord> writer = new SpecificDatumWriter<>(ChangeRecord.class);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    for (List<ChangeRecord> batch : batches) {
      for (ChangeRecord record : batch) {
        writer.write(record, encoder);
      }
    }
    encoder.flush();
    return out.toByteArray();
  }

  private static long sha256(byte[] bytes) {
    MessageDigest digest = Sha256.newDigest();
    digest.update(bytes);
    return digest.digest()[0];
  }

  private static long zstd(byte[] bytes) {
    long total = 0;
    for (int off = 0; off < bytes.length; off += SegmentFormat.BLOCK_SIZE) {
      byte[] chunk =
          Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + SegmentFormat.BLOCK_SIZE));
      total += Zstd.compress(chunk, SegmentFormat.ZSTD_LEVEL).length;
    }
    return total;
  }

  private static long encodeAll(List<List<ChangeRecord>> batches) {
    long total = 0;
    for (int i = 0; i < batches.size(); i++) {
      total += SegmentWriter.encode(STREAM, i, batches.get(i)).bytes().length;
    }
    return total;
  }

  private static long decodeAll(List<EncodedSegment> segments) {
    long total = 0;
    for (EncodedSegment segment : segments) {
      try (SegmentReader reader = SegmentReader.open(segment.bytes(), "bench.seg")) {
        while (reader.hasNext()) {
          total += reader.next().getLsn();
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return total;
  }

  /** Best throughput in MB/s of each measure over {@code rounds} interleaved timed runs. */
  private static double[] bestInterleaved(
      int rounds, long bytes, List<java.util.function.LongSupplier> measures) {
    double[] best = new double[measures.size()];
    long sink = 0;
    for (java.util.function.LongSupplier warmUp : measures) {
      sink += warmUp.getAsLong();
    }
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < measures.size(); i++) {
        long start = System.nanoTime();
        sink += measures.get(i).getAsLong();
        double seconds = (System.nanoTime() - start) / 1e9;
        best[i] = Math.max(best[i], bytes / 1e6 / seconds);
      }
    }
    if (sink == 42) {
      System.out.print("");
    }
    return best;
  }
}

package io.walstream.archive.verify;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentFormat;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.SegmentWriter;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Finding.Kind;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.value.Values;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks one segment against its manifest in a single streaming pass: hashes every byte, and
 * (unless encrypted, which needs no key to verify) decodes the records to check their order and
 * that count, LSN range and commit-time range agree with the manifest.
 */
final class SegmentChecker {
  private final ObjectStore store;

  SegmentChecker(ObjectStore store) {
    this.store = store;
  }

  /** Running totals over the segments of a stream. */
  static final class Totals {
    long segments;
    long records;
    long bytes;
    Long firstLsn;
    Long lastLsn;
    Long minCommit;
    Long maxCommit;
  }

  List<Finding> check(String key, Manifest manifest, Totals totals) {
    List<Finding> findings = new ArrayList<>();
    Optional<InputStream> opened = store.open(key);
    if (opened.isEmpty()) {
      findings.add(Finding.of(Kind.MISSING_SEGMENT, key, "vanished while being verified"));
      return findings;
    }
    MessageDigest digest = Sha256.newDigest();
    CountingDigestStream in = new CountingDigestStream(opened.get(), digest);
    List<Finding> decodeFindings = new ArrayList<>();
    long records = 0;
    try (in) {
      if (manifest.encryption() == null) {
        records = decode(key, manifest, in, decodeFindings);
      }
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new io.walstream.archive.error.PermanentStorageException(
          "Cannot read segment " + key + ": " + e, key, e);
    }
    String sha = Sha256.hex(digest);
    if (in.count != manifest.byteSize()) {
      findings.add(
          Finding.of(
              Kind.SEGMENT_SIZE_MISMATCH,
              key,
              in.count + " bytes, manifest says " + manifest.byteSize()));
    }
    if (!sha.equals(manifest.segmentSha256())) {
      findings.add(
          Finding.of(
              Kind.SEGMENT_HASH_MISMATCH,
              key,
              "sha256 " + sha + ", manifest says " + manifest.segmentSha256()));
      // Decoding problems are consequences of the corruption already reported.
      return findings;
    }
    findings.addAll(decodeFindings);
    totals.segments++;
    totals.records += records;
    totals.bytes += in.count;
    if (totals.firstLsn == null) {
      totals.firstLsn = manifest.firstLsn();
    }
    totals.lastLsn = manifest.lastLsn();
    totals.minCommit = min(totals.minCommit, manifest.minCommitTimeMicros());
    totals.maxCommit = max(totals.maxCommit, manifest.maxCommitTimeMicros());
    return findings;
  }

  private static long decode(String key, Manifest manifest, InputStream in, List<Finding> out) {
    long count = 0;
    ChangeRecord first = null;
    ChangeRecord last = null;
    long minCommit = Long.MAX_VALUE;
    long maxCommit = Long.MIN_VALUE;
    try {
      SegmentReader reader = SegmentReader.open(new NonClosingStream(in), key);
      checkMeta(key, manifest, reader, out);
      while (reader.hasNext()) {
        ChangeRecord record = reader.next();
        if (last != null && !SegmentWriter.after(record, last.getLsn(), last.getTxIndex())) {
          out.add(
              Finding.of(
                  Kind.LSN_REGRESSION,
                  key,
                  String.format(
                      "record %d (lsn %d, txIndex %d) not after (lsn %d, txIndex %d)",
                      count,
                      record.getLsn(),
                      record.getTxIndex(),
                      last.getLsn(),
                      last.getTxIndex())));
        }
        if (first == null) {
          first = record;
        }
        last = record;
        long commit = Values.toMicros(record.getCommitTime());
        minCommit = Math.min(minCommit, commit);
        maxCommit = Math.max(maxCommit, commit);
        count++;
      }
    } catch (IntegrityException e) {
      out.add(Finding.of(Kind.MALFORMED_SEGMENT, key, e.getMessage()));
      return count;
    }
    if (count != manifest.recordCount()
        || first == null
        || first.getLsn() != manifest.firstLsn()
        || first.getTxIndex() != manifest.firstTxIndex()
        || last.getLsn() != manifest.lastLsn()
        || last.getTxIndex() != manifest.lastTxIndex()
        || minCommit != manifest.minCommitTimeMicros()
        || maxCommit != manifest.maxCommitTimeMicros()) {
      out.add(
          Finding.of(
              Kind.SEGMENT_MANIFEST_MISMATCH,
              key,
              count
                  + " records from lsn "
                  + (first == null ? "-" : first.getLsn())
                  + " to "
                  + (last == null ? "-" : last.getLsn())
                  + " do not match the manifest's count, lsn or commit-time range"));
    }
    return count;
  }

  private static void checkMeta(
      String key, Manifest manifest, SegmentReader reader, List<Finding> out) {
    String seq = reader.meta(SegmentFormat.META_SEQ);
    String database = reader.meta(SegmentFormat.META_DATABASE);
    String topic = reader.meta(SegmentFormat.META_TOPIC);
    String partition = reader.meta(SegmentFormat.META_PARTITION);
    boolean matches =
        Long.toString(manifest.seq()).equals(seq)
            && manifest.stream().database().equals(database)
            && manifest.stream().topic().equals(topic)
            && Integer.toString(manifest.stream().partition()).equals(partition);
    if (!matches) {
      out.add(
          Finding.of(
              Kind.SEGMENT_MANIFEST_MISMATCH,
              key,
              "segment declares seq "
                  + seq
                  + " of "
                  + database
                  + "@"
                  + topic
                  + "-"
                  + partition
                  + ", manifest is seq "
                  + manifest.seq()
                  + " of "
                  + manifest.stream()));
    }
  }

  private static Long min(Long a, Long b) {
    return a == null ? b : b == null ? a : Long.valueOf(Math.min(a, b));
  }

  private static Long max(Long a, Long b) {
    return a == null ? b : b == null ? a : Long.valueOf(Math.max(a, b));
  }

  /** Hashes and counts every byte read. */
  private static final class CountingDigestStream extends DigestInputStream {
    private long count;

    CountingDigestStream(InputStream in, MessageDigest digest) {
      super(in, digest);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      // DigestInputStream would not hash skipped bytes: read them instead.
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }
  }

  /** Keeps the Avro reader from closing the stream before the rest is hashed. */
  private static final class NonClosingStream extends java.io.FilterInputStream {
    NonClosingStream(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}

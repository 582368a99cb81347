package io.walstream.archive.verify;

import io.walstream.archive.crypto.Keyring;
import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.KeyUnavailableException;
import io.walstream.archive.format.EnvelopeHeader;
import io.walstream.archive.format.Manifest;
import io.walstream.archive.format.SegmentReader;
import io.walstream.archive.format.Sha256;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.Finding.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks one segment against its manifest in a single streaming pass: hashes every byte, checks
 * that its header declares the encryption its manifest does, and decodes the records (decrypting
 * them when the keyring holds keys; without keys an encrypted segment's records are left unchecked
 * and its key id noted) to check their order and that count, LSN range and commit-time range agree
 * with the manifest.
 */
final class SegmentChecker {
  private final ObjectStore store;
  private final Keyring keys;

  SegmentChecker(ObjectStore store, Keyring keys) {
    this.store = store;
    this.keys = keys;
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
    long undecoded;
    final java.util.SortedMap<Long, Long> keyIds = new java.util.TreeMap<>();
  }

  List<Finding> check(String key, Manifest.Segment manifest, Totals totals) {
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
      records = read(key, manifest, in, decodeFindings, totals);
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new io.walstream.archive.error.PermanentStorageException(
          "Cannot read segment " + key + ": " + e, key, e);
    }
    String sha = Sha256.hex(digest);
    findings.addAll(SegmentRecordCheck.stored(key, manifest, in.count, sha));
    if (findings.stream().anyMatch(f -> f.kind() == Kind.SEGMENT_HASH_MISMATCH)) {
      // Decoding problems are consequences of the corruption already reported.
      return findings;
    }
    findings.addAll(decodeFindings);
    totals.segments++;
    totals.records += records;
    totals.bytes += in.count;
    if (totals.firstLsn == null) {
      totals.firstLsn = manifest.first().lsn();
    }
    totals.lastLsn = manifest.last().lsn();
    totals.minCommit = min(totals.minCommit, manifest.commitTimes().minMicros());
    totals.maxCommit = max(totals.maxCommit, manifest.commitTimes().maxMicros());
    return findings;
  }

  /** Checks the declarations and, when it can, the records; the records decoded. */
  private long read(
      String key, Manifest.Segment manifest, InputStream in, List<Finding> out, Totals totals) {
    EnvelopeHeader.Declared declared;
    try {
      declared = EnvelopeHeader.read(new NonClosingStream(in), key);
    } catch (IntegrityException e) {
      out.add(Finding.of(Kind.MALFORMED_SEGMENT, key, e.getMessage()));
      return 0;
    }
    String mismatch =
        EnvelopeHeader.mismatch("the manifest", manifest.segment().encryption(), declared.header());
    if (mismatch != null) {
      out.add(Finding.of(Kind.SEGMENT_MANIFEST_MISMATCH, key, mismatch));
      return 0;
    }
    if (declared.header().isPresent()) {
      totals.keyIds.merge(declared.header().get().keyId(), 1L, Long::sum);
      if (!keys.hasKeys()) {
        totals.undecoded++;
        return 0;
      }
    }
    try {
      return decode(key, manifest, SegmentReader.open(declared, manifest, keys), out);
    } catch (KeyUnavailableException e) {
      out.add(Finding.of(Kind.MISSING_KEY, key, e.getMessage()));
      return 0;
    } catch (IntegrityException e) {
      out.add(Finding.of(Kind.MALFORMED_SEGMENT, key, e.getMessage()));
      return 0;
    }
  }

  private static long decode(
      String key, Manifest.Segment manifest, SegmentReader reader, List<Finding> out) {
    SegmentRecordCheck check = new SegmentRecordCheck(key, manifest);
    try {
      addIfPresent(out, check.meta(reader));
      while (reader.hasNext()) {
        addIfPresent(out, check.accept(reader.next()));
      }
    } catch (IntegrityException e) {
      out.add(Finding.of(Kind.MALFORMED_SEGMENT, key, e.getMessage()));
      return check.count();
    }
    addIfPresent(out, check.finish());
    return check.count();
  }

  private static void addIfPresent(List<Finding> out, Finding finding) {
    if (finding != null) {
      out.add(finding);
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

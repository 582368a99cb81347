package io.walstream.archiver.partition;

import io.walstream.archive.format.EncodedRecord;

/**
 * Copies the bodies of one partition's buffered records into a few large arrays (slabs) instead of
 * keeping one array per record. Buffered records live for a whole segment, long enough for the
 * garbage collector to copy them from survivor space to survivor space and into the old generation,
 * then collect them there; a slab of 512 KiB or more is allocated directly in the old generation by
 * G1 (a humongous object, at the default region sizes of heaps up to 16 GiB) and is reclaimed as a
 * whole, never copied, once the cut that holds it lands. The records' own arrays die young, which
 * costs nothing.
 *
 * <p>Slabs start small and double up to {@link #MAX_SLAB} while records keep coming, so that a
 * quiet partition holds little; each cut starts afresh, leaving the slabs it filled to the cut.
 * Used by the stream thread only; a slab region once written is only read afterwards.
 */
final class BodyArena {
  static final int FIRST_SLAB = 64 * 1024;
  static final int MAX_SLAB = 4 * 1024 * 1024;
  private static final byte[] NONE = new byte[0];

  private byte[] slab = NONE;
  private int used;
  private int nextSize = FIRST_SLAB;

  /** Copies {@code length} bytes of {@code source} from {@code offset} into the arena. */
  EncodedRecord copy(
      byte[] source, int offset, int length, long lsn, int txIndex, long commitTimeMicros) {
    if (slab.length - used < length) {
      int size = Math.max(nextSize, length);
      slab = new byte[size];
      used = 0;
      nextSize = Math.min(MAX_SLAB, size * 2);
    }
    System.arraycopy(source, offset, slab, used, length);
    EncodedRecord record = new EncodedRecord(slab, used, length, lsn, txIndex, commitTimeMicros);
    used += length;
    return record;
  }

  /** After a cut: what was copied belongs to it; the next segment starts with a small slab. */
  void reset() {
    slab = NONE;
    used = 0;
    nextSize = FIRST_SLAB;
  }
}

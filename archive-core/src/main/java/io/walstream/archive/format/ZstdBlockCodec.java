package io.walstream.archive.format;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;

/**
 * The {@code zstandard} Avro codec, compressing each block in one call into a standard zstd frame.
 * Avro's own codec streams every block through a {@code ZstdOutputStream}, which measured about
 * half the speed of one-shot compression on segment blocks (docs/BENCHMARKS.md). The frames are
 * ordinary zstd frames, so stock Avro readers (which look the codec up by its name) decode them.
 * Not thread-safe: one instance per writer, as Avro creates them.
 */
final class ZstdBlockCodec extends Codec {
  private final int level;
  private ZstdCompressCtx context;

  private ZstdBlockCodec(int level) {
    this.level = level;
  }

  // A frame may declare any content size; beyond this it is decoded as a stream instead of being
  // trusted with one allocation.
  private static final long MAX_ONE_SHOT = 64L * 1024 * 1024;

  private static final class Registration {
    static {
      // Readers look codecs up by name: without this, Avro's own zstandard codec decodes each
      // block through a stream into a growing buffer, measured at ~15% of a restore's CPU.
      CodecFactory.addCodec(SegmentFormat.CODEC, factory(SegmentFormat.ZSTD_LEVEL));
    }

    static void ensure() {
      // Class initialization has registered the codec once.
    }
  }

  /** Makes Avro readers decode {@code zstandard} blocks with this codec; idempotent. */
  static void register() {
    Registration.ensure();
  }

  /** The factory to pass to {@code DataFileWriter#setCodec}. */
  static CodecFactory factory(int level) {
    return new CodecFactory() {
      @Override
      protected Codec createInstance() {
        return new ZstdBlockCodec(level);
      }
    };
  }

  @Override
  public String getName() {
    return SegmentFormat.CODEC;
  }

  @Override
  public ByteBuffer compress(ByteBuffer data) {
    if (context == null) {
      context = new ZstdCompressCtx().setLevel(level).setChecksum(false);
    }
    if (!data.hasArray()) {
      byte[] input = new byte[data.remaining()];
      data.duplicate().get(input);
      return ByteBuffer.wrap(context.compress(input));
    }
    byte[] output = new byte[(int) Zstd.compressBound(data.remaining())];
    int size =
        context.compressByteArray(
            output,
            0,
            output.length,
            data.array(),
            data.arrayOffset() + data.position(),
            data.remaining());
    return ByteBuffer.wrap(output, 0, size);
  }

  @Override
  public ByteBuffer decompress(ByteBuffer data) throws IOException {
    byte[] input = new byte[data.remaining()];
    data.duplicate().get(input);
    long size = Zstd.getFrameContentSize(input);
    if (size >= 0 && size <= MAX_ONE_SHOT) {
      return ByteBuffer.wrap(Zstd.decompress(input, (int) size));
    }
    try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(input))) {
      return ByteBuffer.wrap(in.readAllBytes());
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ZstdBlockCodec codec && codec.level == level;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(level);
  }
}

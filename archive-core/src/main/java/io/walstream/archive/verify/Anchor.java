package io.walstream.archive.verify;

import io.walstream.archive.layout.StreamId;
import java.util.Objects;

/**
 * The newest manifest of a stream as published outside the archive (the archiver publishes every
 * manifest it commits to the manifests topic). The archive alone cannot tell that its newest
 * manifests were removed, since what remains is a valid shorter chain; an anchor can.
 *
 * @param stream the stream
 * @param seq the manifest's position in the chain
 * @param manifestSha256 SHA-256 of the manifest's bytes in the archive, 64 lowercase hex digits
 */
public record Anchor(StreamId stream, long seq, String manifestSha256) {
  public Anchor {
    Objects.requireNonNull(stream, "stream");
    if (seq < 0) {
      throw new IllegalArgumentException("Cannot anchor " + stream + " at negative seq " + seq);
    }
    if (manifestSha256 == null || !manifestSha256.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "Cannot anchor "
              + stream
              + " at seq "
              + seq
              + ": manifest SHA-256 is not 64 lowercase hex digits: "
              + manifestSha256);
    }
  }
}

package io.walstream.restorer.service;

import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.codec.AvroTrust;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * What a restore command asks for, as a SHA-256: its Avro single-object encoding with {@code
 * requestedAt}, {@code requestedBy} and {@code signature} cleared, so that a re-delivery and a
 * re-request of the same command under the same id match, and any other command does not. Every
 * status of a job carries it, so that a requester following a command id can tell its own command's
 * job from another's that used the id first.
 */
public final class CommandFingerprint {
  private CommandFingerprint() {}

  /** The fingerprint of {@code command}, 64 lowercase hex digits. */
  public static String of(RestoreCommand command) {
    AvroTrust.install();
    RestoreCommand content =
        RestoreCommand.newBuilder(command)
            .setRequestedAt(Instant.EPOCH)
            .setRequestedBy(null)
            .setSignature(null)
            .build();
    byte[] bytes = WalstreamSerdes.restoreCommand().codec().encode(content);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}

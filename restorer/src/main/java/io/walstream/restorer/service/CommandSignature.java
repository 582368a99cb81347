package io.walstream.restorer.service;

import io.walstream.schemas.avro.RestoreCommand;
import io.walstream.schemas.codec.AvroTrust;
import io.walstream.schemas.serde.WalstreamSerdes;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of restore commands. The signed bytes are the command's Avro single-object
 * encoding with {@code signature} set to null; the signature is 64 lowercase hex digits. Requesters
 * and the service share the key (the {@code restorer.signature.key} setting).
 */
public final class CommandSignature {
  private CommandSignature() {}

  /** The signature of {@code command} (its own signature field is ignored) under {@code key}. */
  public static String sign(RestoreCommand command, String key) {
    // Copying a generated record checks its classes against Avro's trusted list.
    AvroTrust.install();
    RestoreCommand unsigned = RestoreCommand.newBuilder(command).setSignature(null).build();
    byte[] bytes = WalstreamSerdes.restoreCommand().codec().encode(unsigned);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(bytes));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("Cannot sign restore command: " + e.getMessage(), e);
    }
  }

  /** Whether {@code command} carries the right signature under {@code key}. */
  public static boolean verify(RestoreCommand command, String key) {
    String given = command.getSignature();
    if (given == null) {
      return false;
    }
    // Constant time, so a requester cannot find the signature byte by byte.
    return MessageDigest.isEqual(
        sign(command, key).getBytes(StandardCharsets.US_ASCII),
        given.getBytes(StandardCharsets.US_ASCII));
  }
}

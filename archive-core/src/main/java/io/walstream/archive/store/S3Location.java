package io.walstream.archive.store;

import java.net.URI;
import java.time.Duration;

/**
 * Where an S3 archive lives and how to reach it; parsed from an {@code s3://} archive URI by {@link
 * ArchiveUri}.
 *
 * @param bucket the bucket name
 * @param prefix the key prefix under which the archive lives, empty or ending in {@code /}
 * @param endpoint the endpoint for S3-compatible services, or null for AWS
 * @param region the signing region
 * @param pathStyle whether to address the bucket in the path rather than the host name
 * @param multipartThreshold objects larger than this many bytes are uploaded in parts
 * @param partSize the size of each part of a multipart upload
 * @param attemptTimeout the bound on one HTTP attempt
 * @param callTimeout the bound on one call
 */
public record S3Location(
    String bucket,
    String prefix,
    URI endpoint,
    String region,
    boolean pathStyle,
    long multipartThreshold,
    int partSize,
    Duration attemptTimeout,
    Duration callTimeout) {

  /** S3's minimum part size. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  public S3Location {
    if (bucket == null || !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("Cannot use S3 bucket '" + bucket + "': invalid name");
    }
    if (prefix == null) {
      prefix = "";
    }
    if (!prefix.isEmpty()) {
      if (!prefix.endsWith("/")) {
        prefix = prefix + "/";
      }
      ObjectKeys.requireValidPrefix(prefix);
    }
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("Cannot use S3 bucket " + bucket + ": no region");
    }
    if (partSize < MIN_PART_SIZE) {
      throw new IllegalArgumentException(
          "Cannot use part size " + partSize + ": S3 needs at least " + MIN_PART_SIZE);
    }
    if (multipartThreshold < partSize) {
      throw new IllegalArgumentException(
          "Cannot use multipart threshold " + multipartThreshold + ": below the part size");
    }
  }

  /** The archive URI this location was parsed from, in canonical form. */
  public URI uri() {
    StringBuilder sb = new StringBuilder("s3://").append(bucket).append('/').append(prefix);
    String separator = "?";
    if (endpoint != null) {
      sb.append(separator).append("endpoint=").append(endpoint);
      separator = "&";
    }
    sb.append(separator).append("region=").append(region);
    if (pathStyle) {
      sb.append("&path-style=true");
    }
    return URI.create(sb.toString());
  }
}

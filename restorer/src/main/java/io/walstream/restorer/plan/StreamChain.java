package io.walstream.restorer.plan;

import io.walstream.archive.layout.StreamId;
import io.walstream.archive.read.StoredManifest;
import java.util.List;

/**
 * The committed manifests of one stream, in seq order from 0 (or from its retention floor), with
 * their links verified.
 */
public record StreamChain(StreamId stream, List<StoredManifest> manifests) {
  public StreamChain {
    manifests = List.copyOf(manifests);
  }
}

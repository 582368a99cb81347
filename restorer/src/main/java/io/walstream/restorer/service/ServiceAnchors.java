package io.walstream.restorer.service;

import io.walstream.restorer.verify.Anchoring;
import io.walstream.restorer.verify.PublishedManifests;
import io.walstream.schemas.error.WalstreamException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The anchors each job checks the archive against: the manifests topic read to its end when the job
 * starts (so that a job sees every manifest published before it), or a skip saying why.
 */
final class ServiceAnchors implements Supplier<Anchoring> {
  private final RestoreServiceConfig config;

  ServiceAnchors(RestoreServiceConfig config) {
    this.config = config;
  }

  @Override
  public Anchoring get() {
    if (!config.anchorCheck()) {
      return new Anchoring.Skipped(RestoreServiceConfig.ANCHOR_CHECK + "=false");
    }
    try {
      return new Anchoring.Published(
          PublishedManifests.read(
              config.clientProperties(),
              config.manifestsTopic(),
              Duration.ofMillis(config.anchorTimeoutMs())),
          config.manifestsTopic());
    } catch (WalstreamException e) {
      throw new WalstreamException(
          e.getMessage()
              + " (every job checks the archive against the archiver's manifests topic: set "
              + RestoreServiceConfig.MANIFESTS_TOPIC
              + " to it, or "
              + RestoreServiceConfig.ANCHOR_CHECK
              + "=false for an archive whose topic is gone)",
          e);
    }
  }
}

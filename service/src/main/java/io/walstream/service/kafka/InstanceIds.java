package io.walstream.service.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * The generated identity of a running service instance (an archiver's writer id, a restore
 * service's instance id) when none is configured: the host it runs on and a random suffix, so that
 * two instances on one host, or one restarted, never share an id.
 */
public final class InstanceIds {
  private InstanceIds() {}

  /** {@code <host>/<8 random hex digits>}. */
  public static String generate() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // A host without a resolvable name still gets a unique id from the suffix.
      host = "unknown-host";
    }
    return host + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}

package io.walstream.archive.retention;

import io.walstream.archive.format.Lease;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease this process holds: renewed in the background at a third of its time to live (each
 * renewal a new key, the old one deleted after), released on {@link #close}.
 */
public final class HeldLease implements ReaderLease {
  private static final Logger LOG = LoggerFactory.getLogger(HeldLease.class);

  private final Leases leases;
  private final Lease lease;
  private final Duration ttl;
  private final Renewer renewer;
  private volatile String key;

  HeldLease(Leases leases, Lease lease, String key, Duration ttl) {
    this.leases = leases;
    this.lease = lease;
    this.key = key;
    this.ttl = ttl;
    this.renewer = new Renewer("walstream-lease-" + lease.database(), ttl, this::renew);
  }

  /** What the lease says: the retention record its holder saw when it took it. */
  public Lease lease() {
    return lease;
  }

  /** Where the lease is stored now. */
  public String key() {
    return key;
  }

  private void renew() {
    try {
      String old = key;
      key = leases.write(lease, ttl);
      leases.release(old);
    } catch (RuntimeException e) {
      // The lease still runs until its expiry; the next renewal tries again.
      LOG.warn(
          "Cannot renew lease {} on {}: {} (retry in {} s)",
          key,
          lease.database(),
          e.getMessage(),
          ttl.toSeconds() / 3);
    }
  }

  /** Stops renewing and deletes the lease. */
  @Override
  public void close() {
    renewer.close();
    leases.release(key);
  }
}

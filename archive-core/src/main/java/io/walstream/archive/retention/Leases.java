package io.walstream.archive.retention;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.error.StorageException;
import io.walstream.archive.format.Lease;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases of readers against retention (docs/FORMAT.md section 10). A reader takes one before it
 * plans and holds it until it is done; retention deletes nothing a live lease's reader could read.
 *
 * <p>Why this is safe without a lock: the holder stores its lease naming the retention record it
 * saw, then reads the current record again and retries until the two agree. Retention stores its
 * record first and lists the leases after. So a lease retention does not see was stored after
 * retention's record, and its holder saw that record (or a later one) and reads nothing it expires;
 * a lease retention does see names the floor its holder reads from, which retention keeps.
 */
public final class Leases {
  /** How long a lease lasts without renewal by default; holders renew at a third of it. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Extra time retention grants a lease past its expiry, for clocks that disagree. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  private static final int MAX_ATTEMPTS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  private final ObjectStore store;
  private final ArchiveReader reader;
  private final Clock clock;

  public Leases(ObjectStore store) {
    this(store, Clock.systemUTC());
  }

  /** Leases whose expiry is measured on {@code clock}. */
  public Leases(ObjectStore store, Clock clock) {
    this.store = store;
    this.reader = new ArchiveReader(store);
    this.clock = clock;
  }

  /**
   * Takes a lease of {@code holder} (unique per process and run) on {@code database} for {@code
   * purpose}, lasting {@code ttl} unless renewed.
   *
   * @throws IllegalStateException when retention records kept changing for ten attempts
   */
  public HeldLease acquire(String database, String holder, String purpose, Duration ttl) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      String seen = currentRecord(database);
      String key = write(new Lease(database, holder, purpose, seen), ttl);
      if (java.util.Objects.equals(seen, currentRecord(database))) {
        return new HeldLease(this, new Lease(database, holder, purpose, seen), key, ttl);
      }
      // Retention moved the floor while the lease was written: take it again naming the new one.
      store.delete(key);
    }
    throw new IllegalStateException(
        "Cannot take a lease on " + database + ": its retention record kept changing");
  }

  /**
   * As {@link #acquire} with the default time to live, or no lease when the archive refuses to
   * store one (read-only credentials): logged as a warning naming the reason, never silently.
   */
  public ReaderLease acquireOrWarn(String database, String holder, String purpose) {
    try {
      return acquire(database, holder, purpose, DEFAULT_TTL);
    } catch (StorageException e) {
      LOG.warn(
          "Cannot take a lease on {} for {} ({}): a retention run meanwhile may expire what it"
              + " reads, and it then fails naming the object",
          database,
          purpose,
          e.getMessage());
      return new ReaderLease.Unheld(e.getMessage());
    }
  }

  /** Stores {@code lease} under a new key expiring {@code ttl} from now; returns the key. */
  String write(Lease lease, Duration ttl) {
    long expiry = micros(clock.instant().plus(ttl));
    String key = ArchiveLayout.leaseKey(lease.database(), lease.holder(), expiry);
    store.putIfAbsent(key, ObjectContent.ofBytes(RetentionCodec.encode(lease)));
    return key;
  }

  void release(String key) {
    store.delete(key);
  }

  private String currentRecord(String database) {
    // The key is enough: a record that does not decode is for its reader to report, and retention
    // holds everything for a lease whose record it cannot read.
    return reader.retentionKey(database).orElse(null);
  }

  /**
   * A lease as retention sees it.
   *
   * @param key where it is stored
   * @param expires when it expires
   * @param lease what it says; its retention key is null also when it could not be read, which
   *     holds back everything (never guessed from a lease that does not decode)
   */
  public record Live(String key, Instant expires, Lease lease) {}

  /** The leases on {@code database} live at {@code now} (expiry plus {@link #CLOCK_SKEW}). */
  public List<Live> live(String database, Instant now) {
    List<Live> live = new ArrayList<>();
    forEachLease(
        database,
        (key, lease) -> {
          Instant expires = expiry(lease);
          if (expires.plus(CLOCK_SKEW).isAfter(now)) {
            live.add(new Live(key, expires, read(key, database, lease.holder())));
          }
        });
    return live;
  }

  /** The leases of {@code database} expired at {@code now}: left by holders that died. */
  public List<String> expired(String database, Instant now) {
    List<String> keys = new ArrayList<>();
    forEachLease(
        database,
        (key, lease) -> {
          if (!expiry(lease).plus(CLOCK_SKEW).isAfter(now)) {
            keys.add(key);
          }
        });
    return keys;
  }

  private void forEachLease(
      String database, java.util.function.BiConsumer<String, ArchiveKey.Lease> action) {
    reader.forEachKey(
        ArchiveLayout.leasePrefix(database),
        object -> {
          if (ArchiveLayout.parse(object.key()).orElse(null) instanceof ArchiveKey.Lease l
              && l.database().equals(database)) {
            action.accept(object.key(), l);
          }
        });
  }

  private Lease read(String key, String database, String holder) {
    Optional<byte[]> bytes = store.readAll(key);
    if (bytes.isEmpty()) {
      // Released since the listing: holding nothing back would be right, holding all is safe.
      return new Lease(database, holder, "unknown", null);
    }
    try {
      return RetentionCodec.decodeLease(bytes.get(), key);
    } catch (IntegrityException e) {
      return new Lease(database, holder, "unreadable: " + e.getMessage(), null);
    }
  }

  private static Instant expiry(ArchiveKey.Lease lease) {
    return Instant.EPOCH.plus(lease.expiryMicros(), java.time.temporal.ChronoUnit.MICROS);
  }

  private static long micros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }
}

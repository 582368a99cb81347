package io.walstream.archive.retention;

import io.walstream.archive.error.IntegrityException;
import io.walstream.archive.format.Lock;
import io.walstream.archive.format.RetentionCodec;
import io.walstream.archive.layout.ArchiveKey;
import io.walstream.archive.layout.ArchiveLayout;
import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectContent;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.PutOutcome;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.error.WalstreamException;
import io.walstream.schemas.value.Values;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One snapshot or retention run per database at a time, across instances (docs/FORMAT.md section
 * 10), with the archive's put-if-absent as the only primitive: the lock is the stored generation
 * with the highest number; whoever claims the next generation after the current one expired (or was
 * released) holds it. Renewal claims the next generation again, so a holder whose lock expired and
 * was taken over finds out on its next renewal. Correctness never rests on it: snapshots are
 * claimed with put-if-absent and retention is idempotent; the lock keeps two instances from doing
 * the same work.
 */
public final class MaintenanceLocks {
  /** How long a lock lasts without renewal by default; holders renew at a third of it. */
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

  /** Thrown when another holder has a database's lock. */
  public static final class Busy extends WalstreamException {
    private final Lock holder;

    Busy(Lock holder, String wanted) {
      super(
          ErrorKind.TRANSIENT,
          "Cannot run "
              + wanted
              + " of "
              + holder.database()
              + " now: "
              + holder.holder()
              + " holds its maintenance lock (for "
              + holder.purpose()
              + ") until "
              + Values.formatTimestamp(Values.fromMicros(holder.expiresAt()))
              + "; try again after it",
          null);
      this.holder = holder;
    }

    /** Who holds the lock. */
    public Lock holder() {
      return holder;
    }
  }

  private final ObjectStore store;
  private final ArchiveReader reader;
  private final Clock clock;

  public MaintenanceLocks(ObjectStore store) {
    this(store, Clock.systemUTC());
  }

  /** Locks whose expiry is measured on {@code clock}. */
  public MaintenanceLocks(ObjectStore store, Clock clock) {
    this.store = store;
    this.reader = new ArchiveReader(store);
    this.clock = clock;
  }

  /**
   * Takes {@code database}'s lock for {@code holder}, lasting {@code ttl} unless renewed.
   *
   * @throws Busy when another holder's lock is live, or another holder claimed it first
   * @throws IntegrityException when the current generation does not decode
   */
  public HeldLock acquire(String database, String holder, String purpose, Duration ttl) {
    List<Long> generations = generations(database);
    long current = generations.isEmpty() ? -1 : generations.get(generations.size() - 1);
    if (current >= 0) {
      Optional<Lock> lock = read(database, current);
      if (lock.isPresent() && live(lock.get())) {
        throw new Busy(lock.get(), purpose);
      }
    }
    Lock ours = new Lock(database, holder, purpose, expiry(ttl));
    if (!claim(database, current + 1, ours)) {
      throw new Busy(read(database, current + 1).orElse(ours), purpose);
    }
    // Generations before ours are over: expired or released.
    generations.forEach(g -> store.delete(ArchiveLayout.lockKey(database, g)));
    return new HeldLock(this, ours, current + 1, ttl);
  }

  /** The live lock of {@code database}, if anyone holds it. */
  public Optional<Lock> current(String database) {
    List<Long> generations = generations(database);
    if (generations.isEmpty()) {
      return Optional.empty();
    }
    return read(database, generations.get(generations.size() - 1)).filter(this::live);
  }

  /** Claims {@code generation} for {@code lock}; false when another holder claimed it first. */
  boolean claim(String database, long generation, Lock lock) {
    String key = ArchiveLayout.lockKey(database, generation);
    return store.putIfAbsent(key, ObjectContent.ofBytes(RetentionCodec.encode(lock)))
        == PutOutcome.CREATED;
  }

  void release(String database, long generation) {
    store.delete(ArchiveLayout.lockKey(database, generation));
  }

  long expiry(Duration ttl) {
    Instant at = clock.instant().plus(ttl);
    return at.getEpochSecond() * 1_000_000L + at.getNano() / 1000;
  }

  private boolean live(Lock lock) {
    Instant expires = Values.fromMicros(lock.expiresAt()).plus(Leases.CLOCK_SKEW);
    return expires.isAfter(clock.instant());
  }

  private Optional<Lock> read(String database, long generation) {
    String key = ArchiveLayout.lockKey(database, generation);
    return store.readAll(key).map(bytes -> RetentionCodec.decodeLock(bytes, key));
  }

  private List<Long> generations(String database) {
    List<Long> generations = new ArrayList<>();
    reader.forEachKey(
        ArchiveLayout.lockPrefix(database),
        o -> {
          if (ArchiveLayout.parse(o.key()).orElse(null) instanceof ArchiveKey.Lock l
              && l.database().equals(database)) {
            generations.add(l.generation());
          }
        });
    return generations;
  }
}

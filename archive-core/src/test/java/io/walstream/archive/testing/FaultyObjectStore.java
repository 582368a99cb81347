package io.walstream.archive.testing;

import io.walstream.archive.error.OutcomeUnknownException;
import io.walstream.archive.error.PermanentStorageException;
import io.walstream.archive.error.TransientStorageException;
import io.walstream.archive.store.ForwardingObjectStore;
import io.walstream.archive.store.ObjectStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A decorator that injects storage failures, for fault and torture tests: on the Nth call of a
 * kind, or at random with a seed. Each {@link Fault} is what a real store does:
 *
 * <ul>
 *   <li>{@link Fault#TRANSIENT}: the call fails before doing anything (a 503, a refused
 *       connection).
 *   <li>{@link Fault#PERMANENT}: the call fails for good (a 403).
 *   <li>{@link Fault#OUTCOME_UNKNOWN_LANDED}: a put is applied, then its response is lost.
 *   <li>{@link Fault#OUTCOME_UNKNOWN_LOST}: a put's response is lost and it was not applied.
 *   <li>{@link Fault#SLOW}: the call succeeds after a delay.
 * </ul>
 *
 * On calls other than puts, the outcome-unknown faults behave as {@link Fault#TRANSIENT}: reads
 * have no effect to lose. Thread-safe.
 */
public final class FaultyObjectStore extends ForwardingObjectStore {
  /** A kind of injected failure. */
  public enum Fault {
    TRANSIENT,
    PERMANENT,
    OUTCOME_UNKNOWN_LANDED,
    OUTCOME_UNKNOWN_LOST,
    SLOW
  }

  private record Rule(Call call, long nth, Fault fault) {}

  private final List<Rule> rules = new ArrayList<>();
  private final Map<Call, AtomicLong> calls = new EnumMap<>(Call.class);
  private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
  private Random random;
  private double probability;
  private List<Fault> randomFaults = List.of();
  private Set<Call> randomCalls = Set.of();
  private Duration slowDelay = Duration.ofMillis(50);

  public FaultyObjectStore(ObjectStore delegate) {
    super(delegate);
    for (Call call : Call.values()) {
      calls.put(call, new AtomicLong());
    }
    for (Fault fault : Fault.values()) {
      injected.put(fault, new AtomicLong());
    }
  }

  /** Injects {@code fault} on the {@code nth} (1-based) call of kind {@code call}. */
  public synchronized FaultyObjectStore failOn(Call call, long nth, Fault fault) {
    rules.add(new Rule(call, nth, fault));
    return this;
  }

  /** Injects one of {@code faults} on each call of {@code onCalls} with {@code probability}. */
  public synchronized FaultyObjectStore failRandomly(
      long seed, double probability, Set<Fault> faults, Set<Call> onCalls) {
    this.random = new Random(seed);
    this.probability = probability;
    this.randomFaults = List.copyOf(faults);
    this.randomCalls = Set.copyOf(onCalls);
    return this;
  }

  /** How long a {@link Fault#SLOW} call is delayed. */
  public synchronized FaultyObjectStore slowDelay(Duration delay) {
    this.slowDelay = delay;
    return this;
  }

  /** How many faults of each kind were injected so far. */
  public Map<Fault, Long> injected() {
    Map<Fault, Long> counts = new EnumMap<>(Fault.class);
    injected.forEach((fault, count) -> counts.put(fault, count.get()));
    return counts;
  }

  /** The total number of faults injected so far. */
  public long injectedTotal() {
    return injected.values().stream().mapToLong(AtomicLong::get).sum();
  }

  private synchronized Fault faultFor(Call call) {
    long n = calls.get(call).incrementAndGet();
    for (Rule rule : rules) {
      if (rule.call() == call && rule.nth() == n) {
        return rule.fault();
      }
    }
    if (random != null && randomCalls.contains(call) && random.nextDouble() < probability) {
      return randomFaults.get(random.nextInt(randomFaults.size()));
    }
    return null;
  }

  @Override
  protected <T> T around(Call call, String key, Supplier<T> action) {
    Fault fault = faultFor(call);
    if (fault == null) {
      return action.get();
    }
    injected.get(fault).incrementAndGet();
    String message =
        "Cannot " + call.name().toLowerCase() + " object " + key + ": injected " + fault;
    switch (fault) {
      case SLOW -> {
        LockSupport.parkNanos(slowDelay.toNanos());
        return action.get();
      }
      case PERMANENT -> throw new PermanentStorageException(message, key, null);
      case OUTCOME_UNKNOWN_LANDED -> {
        if (call == Call.PUT) {
          action.get();
          throw new OutcomeUnknownException(message, key, null);
        }
        throw new TransientStorageException(message, key, null);
      }
      case OUTCOME_UNKNOWN_LOST -> {
        if (call == Call.PUT) {
          throw new OutcomeUnknownException(message, key, null);
        }
        throw new TransientStorageException(message, key, null);
      }
      default -> throw new TransientStorageException(message, key, null);
    }
  }
}

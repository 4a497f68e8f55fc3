package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The engine's background work, done in bounded slices: expiring links nobody touches (each
 * announced once, by whichever engine's commit wins), dropping the flows of dead links, and
 * dropping idle sessions. A slice runs on a caller's thread at most once per {@link #PACE} of
 * engine time and never while another runs, so no caller pays for a mass expiry; or, when the host
 * gives a scheduler, only there. Thread-safe.
 */
final class Maintenance {
  private static final System.Logger LOG = System.getLogger(Maintenance.class.getName());
  /** Items of each kind one slice handles: a pause of well under a millisecond on a caller. */
  static final int SLICE = 32;
  /** How often (engine time) callers run a slice while there is little to do. */
  static final Duration PACE = Duration.ofSeconds(1);
  /** {@link #nextSliceAt} while a slice runs (callers and the scheduler check for it). */
  private static final long RUNNING = Long.MAX_VALUE;
  private static final VarHandle NEXT_SLICE_AT;

  static {
    try {
      NEXT_SLICE_AT = MethodHandles.lookup().findVarHandle(Maintenance.class, "nextSliceAt", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final EngineConfig config;
  private final ConnectionStore store;
  private final SlotTransaction tx;
  /**
   * Engine time (epoch ms) from which a caller runs the next slice, or {@link #RUNNING}: one word,
   * in this object beside what a caller reads with it, so a caller checking for a slice reads one
   * cache line the last slicer wrote (a flag and a time in objects of their own were two or three).
   */
  private volatile long nextSliceAt = Long.MIN_VALUE;
  private volatile boolean onCallers = true;

  Maintenance(EngineConfig config, ConnectionStore store, SlotTransaction tx) {
    this.config = config;
    this.store = store;
    this.tx = tx;
  }

  /** From now on only {@link #runSlice} calls from the host's scheduler do the work. */
  void leaveToScheduler() {
    onCallers = false;
  }

  /**
   * Runs a slice on the calling thread when one is due and none is running.
   *
   * @return whether this thread ran one (its time has then moved on by however long it took)
   */
  boolean onUse(Instant now) {
    long next = nextSliceAt;
    if (next != RUNNING && now.toEpochMilli() >= next && onCallers
        && NEXT_SLICE_AT.compareAndSet(this, next, RUNNING)) {
      sliceHolding(now, next);
      return true;
    }
    return false;
  }

  /**
   * One bounded slice, unless another is running.
   *
   * @return whether the slice found a full load (more is waiting)
   */
  boolean runSlice(Instant now) {
    long before = take();
    return before != RUNNING && sliceHolding(now, before);
  }

  /**
   * Sets {@link #RUNNING} unless a slice is running.
   *
   * @return the word it replaced, or {@link #RUNNING} when a slice was running
   */
  private long take() {
    while (true) {
      long next = nextSliceAt;
      if (next == RUNNING || NEXT_SLICE_AT.compareAndSet(this, next, RUNNING)) {
        return next;
      }
      // else a slice began and ended between the read and the swap: look again
    }
  }

  /** A slice, by the thread that set {@link #RUNNING} over {@code before}; sets the next slice's time. */
  private boolean sliceHolding(Instant now, long before) {
    long after = before; // a failed slice is retried by the next caller
    try {
      boolean more = slice(now, SLICE);
      after = more ? now.toEpochMilli() : now.plus(PACE).toEpochMilli();
      return more;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, () -> "Maintenance slice failed (" + e.getClass().getName() + "): "
          + e.getMessage() + "; it will be retried");
      return false;
    } finally {
      nextSliceAt = after;
    }
  }

  /** Everything due now, in slices; waits for a slice another thread is running. */
  void cleanUp(Instant now) {
    long before;
    while ((before = take()) == RUNNING) {
      Thread.onSpinWait();
    }
    long after = before;
    try {
      while (slice(now, SLICE * 8)) {
        // keep going: each slice commits its own work, so callers interleave with it
      }
      after = now.plus(PACE).toEpochMilli();
    } finally {
      nextSliceAt = after;
    }
  }

  /** @return whether any kind of work filled its limit (so more may wait) */
  private boolean slice(Instant now, int limit) {
    List<StoredAccount> due = store.linksExpiredBy(now, limit);
    for (StoredAccount a : due) {
      tx.run(a.userId(), a.toolkit(), now, d -> {
        ConnectionRules.housekeep(d, config.linkTtl());
        return null;
      });
    }
    int flows = store.removeFlowsExpiredBy(now, limit);
    int sessions = store.removeSessionsIdleSince(now.minus(config.sessionIdleTimeout()), limit);
    return due.size() >= limit || flows >= limit || sessions >= limit;
  }
}

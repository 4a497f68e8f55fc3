package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.Slot;
import dev.tether.core.store.StoreException;
import java.time.Instant;
import java.util.function.Function;

/**
 * The unit of work, written once: read a (user, toolkit) slot, decide on a {@link SlotDraft},
 * commit it against the version read, and on a conflict read and decide again. The store delivers
 * the draft's events once the commit is durable. A decision is pure: it never calls a provider or
 * blocks, so a retry costs only the decision. A retryable {@link StoreException} (a dropped
 * connection) runs the transaction again from the read, {@link #STORE_ATTEMPTS} attempts in all;
 * after a commit that failed so, the decision is told ({@link SlotDraft#afterUncertainCommit()}),
 * since the commit may have been written.
 * Thread-safe.
 */
final class SlotTransaction {
  /** Conflicts tolerated before giving up: only a pathological storm of writers to one pair gets there. */
  static final int MAX_ATTEMPTS = 1000;
  /**
   * Retryable store failures a transaction takes, the last of which reaches its caller: a blip (one
   * dropped connection) is survived, an outage is not waited out.
   */
  static final int STORE_ATTEMPTS = 3;

  private final ConnectionStore store;

  SlotTransaction(ConnectionStore store) {
    this.store = store;
  }

  /**
   * Runs {@code decide} until its draft commits (or changes nothing).
   *
   * @param decide reads and changes the draft; may throw to abandon the transaction (nothing is written)
   * @return what the committed decision returned
   */
  <T> T run(String userId, String toolkit, Instant now, Function<SlotDraft, T> decide) {
    int storeFailures = 0;
    boolean uncertain = false;
    for (int attempt = 1; ; attempt++) {
      Slot read;
      try {
        read = store.slot(userId, toolkit);
      } catch (StoreException e) {
        storeFailures = failedOnce(e, storeFailures);
        continue;
      }
      SlotDraft draft = new SlotDraft(read, now, uncertain);
      T result = decide.apply(draft);
      boolean committed;
      try {
        committed = draft.isEmpty() || store.commit(draft.commit());
      } catch (StoreException e) {
        // Written whole or not at all: the next read shows which, and the decision is made again.
        storeFailures = failedOnce(e, storeFailures);
        uncertain = true;
        continue;
      }
      if (committed) {
        return result;
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new TetherException("The accounts of user '" + userId + "' for '" + toolkit + "' changed "
            + MAX_ATTEMPTS + " times while one change was being made; retry");
      }
      Thread.onSpinWait();
    }
  }

  /**
   * Counts a store failure.
   *
   * @return the failures so far
   * @throws StoreException {@code e} itself, unless it is retryable and attempts remain
   */
  private static int failedOnce(StoreException e, int failuresBefore) {
    if (!e.isRetryable() || failuresBefore + 1 >= STORE_ATTEMPTS) {
      throw e;
    }
    return failuresBefore + 1;
  }
}

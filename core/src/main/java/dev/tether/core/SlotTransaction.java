package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.Slot;
import java.time.Instant;
import java.util.function.Function;

/**
 * The unit of work, written once: read a (user, toolkit) slot, decide on a {@link SlotDraft},
 * commit it against the version read, and on a conflict read and decide again. The store delivers
 * the draft's events once the commit is durable. A decision is pure: it never calls a provider or
 * blocks, so a retry costs only the decision. Thread-safe.
 */
final class SlotTransaction {
  /** Conflicts tolerated before giving up: only a pathological storm of writers to one pair gets there. */
  static final int MAX_ATTEMPTS = 1000;

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
    for (int attempt = 1; ; attempt++) {
      Slot read = store.slot(userId, toolkit);
      SlotDraft draft = new SlotDraft(read, now);
      T result = decide.apply(draft);
      if (draft.isEmpty() || store.commit(draft.commit())) {
        return result;
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new TetherException("The accounts of user '" + userId + "' for '" + toolkit + "' changed "
            + MAX_ATTEMPTS + " times while one change was being made; retry");
      }
      Thread.onSpinWait();
    }
  }
}

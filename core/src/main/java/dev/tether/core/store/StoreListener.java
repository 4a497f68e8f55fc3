package dev.tether.core.store;

import dev.tether.core.ConnectionEvent;

/**
 * Receives a store's change feed: every change any engine sharing the store made, once it is
 * durable. An engine subscribes once and settles its waiters and listeners from here, so a
 * callback completed on one node wakes a {@code waitForConnection} on another.
 *
 * <p>Called on a thread the store chooses (the committing thread for the in-memory store, a
 * notification thread for a database); implementations return quickly and never throw. Changes
 * racing on different threads may be heard in either order (see {@link ConnectionStore#commit}).
 */
public interface StoreListener {
  /**
   * An account changed.
   *
   * @param event the change, as listeners see it (never a secret)
   */
  void accountChanged(ConnectionEvent event);

  /**
   * A pending flow was completed, released or removed, so a caller waiting on its claim can look
   * again.
   *
   * @param flowKey the flow's key
   */
  void flowSettled(String flowKey);

  /**
   * The feed may have lost changes (a dropped database connection): whoever waits should look
   * again. The default does nothing.
   */
  default void resynchronize() {}
}

package dev.tether.core;

/**
 * Receives {@link ConnectionEvent}s, synchronously on the thread that made the change, after the
 * engine released its locks. Implementations must be thread-safe: events for different accounts
 * arrive from many threads at once. One thread's changes arrive in the order it made them; two
 * changes to one account racing on different threads may arrive in either order, so a listener
 * that shows an account's status reads the account ({@code tether.account(id)}) when it hears of a
 * change rather than trusting the last event it heard. A listener that throws is logged and
 * skipped; it never breaks the engine or the other listeners.
 */
@FunctionalInterface
public interface ConnectionListener {
  /**
   * Called once per event.
   *
   * @param event what happened; never null
   */
  void onEvent(ConnectionEvent event);
}

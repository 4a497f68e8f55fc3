package dev.tether.core;

/**
 * Receives {@link ConnectionEvent}s, synchronously on the thread that made the change, after the
 * engine released its locks. Implementations must be thread-safe: events for different accounts
 * arrive from many threads at once. A listener that throws is logged and skipped; it never breaks
 * the engine or the other listeners.
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

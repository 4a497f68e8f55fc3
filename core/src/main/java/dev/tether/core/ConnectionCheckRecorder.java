package dev.tether.core;

/**
 * Records connection checks, for metrics: the engine calls it once per completed check (the typed
 * {@link Session#manageConnections} and the {@code COMPOSIO_MANAGE_CONNECTIONS},
 * {@code COMPOSIO_SEARCH_TOOLS} and {@code COMPOSIO_WAIT_FOR_CONNECTIONS} meta-tools), after the
 * answer is built, on the checking thread. Install one with {@link
 * Tether.Builder#connectionCheckRecorder}; without one the engine does not even read the time.
 *
 * <p>Checks are the engine's hot path: keep the recorder fast and non-blocking. Implementations
 * must be thread-safe: checks of many users arrive from many threads at once. A recorder that
 * throws is logged once and otherwise ignored; the check's answer never depends on it. A meta-tool
 * call naming no checking tool, a check that fails with an engine or store error and a wait that
 * is interrupted are not recorded.
 */
@FunctionalInterface
public interface ConnectionCheckRecorder {
  /**
   * Records one completed check.
   *
   * @param check what was checked and each toolkit's status, or that the request was refused;
   *     never null
   * @param elapsedNanos the time the check took by {@link System#nanoTime()}, from the call's
   *     start to its answer; for the wait meta-tool it includes the wait
   */
  void recordCheck(ConnectionCheck check, long elapsedNanos);

  /**
   * A recorder that records nothing: the default, which the engine recognises and skips.
   *
   * @return the shared no-op recorder
   */
  static ConnectionCheckRecorder disabled() {
    return DisabledCheckRecorder.INSTANCE;
  }
}

package dev.tether.core.store;

import dev.tether.core.TetherException;

/**
 * A {@link ConnectionStore} could not carry out an operation. A store throws a {@linkplain
 * #isRetryable() retryable} one when its backing was out of reach (a dropped connection, an
 * exhausted pool, a server restarting, a serialization conflict) and the operation either wrote
 * nothing or wrote all of it, so the same call may succeed when made again. The engine then runs
 * its slot transaction again from the read, at once, three attempts in all: a blip, such as one
 * dropped connection, does not cost a change it can no longer redo (a refresh's rotated token, or
 * the credentials a callback's one-time code bought); an outage still reaches the caller. Anything
 * else a store throws reaches the caller unchanged. Messages name the operation and never hold a
 * secret. Immutable, so thread-safe.
 */
public class StoreException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** Whether the same operation may succeed when made again. */
  private final boolean retryable;

  /**
   * A store failure.
   *
   * @param message names the operation and what to do; never a secret
   * @param retryable the operation wrote nothing or all of it, and may succeed when made again
   * @param cause the underlying failure; may be null
   */
  public StoreException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /**
   * Whether the same operation may succeed when made again, e.g. once the database is reachable.
   *
   * @return true when the operation wrote nothing or all of it and a retry may succeed
   */
  public boolean isRetryable() {
    return retryable;
  }
}

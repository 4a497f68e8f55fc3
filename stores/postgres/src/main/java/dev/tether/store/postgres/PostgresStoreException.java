package dev.tether.store.postgres;

import dev.tether.core.store.StoreException;

/**
 * The database failed a store operation. {@link #isRetryable()} tells a lost or refused
 * connection, an exhausted pool, a server shutting down or a serialization conflict (retry later:
 * nothing was half-written, every change is one statement) from a failure retrying will not cure
 * (a missing table, a permission). The message names the operation and the SQL state; it never
 * holds a secret or a password.
 */
public final class PostgresStoreException extends StoreException {
  private static final long serialVersionUID = 1L;
  /** The SQL state, or null. */
  private final String sqlState;

  PostgresStoreException(String message, String sqlState, boolean retryable, Throwable cause) {
    super(message, retryable, cause);
    this.sqlState = sqlState;
  }

  /**
   * The SQL state the driver or pool reported.
   *
   * @return the five-character state (e.g. {@code 08006}), or empty when there was none
   */
  public String sqlState() {
    return sqlState == null ? "" : sqlState;
  }
}

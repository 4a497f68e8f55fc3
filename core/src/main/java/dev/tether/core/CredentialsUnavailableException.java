package dev.tether.core;

import java.util.Optional;

/**
 * {@link Tether#credentials} could not return usable credentials: the account is not ACTIVE, its
 * token died and could not be refreshed (the account is now EXPIRED), or a refresh failed
 * transiently ({@link #isRetryable()}) while the old token had already expired.
 */
public final class CredentialsUnavailableException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The account asked for. */
  private final String connectedAccountId;
  private final transient ConnectionStatus status;
  /** A short non-secret reason; null when there is none. */
  private final String reason;
  /** Whether a later call may succeed. */
  private final boolean retryable;

  CredentialsUnavailableException(String connectedAccountId, ConnectionStatus status, String reason,
      boolean retryable, String message) {
    super(message);
    this.connectedAccountId = connectedAccountId;
    this.status = status;
    this.reason = reason;
    this.retryable = retryable;
  }

  /**
   * The account asked for.
   *
   * @return the account's {@code ca_…} id
   */
  public String connectedAccountId() {
    return connectedAccountId;
  }

  /**
   * The account's status now.
   *
   * @return the status when the call failed; empty after deserialization, which does not keep it
   */
  public Optional<ConnectionStatus> status() {
    return Optional.ofNullable(status);
  }

  /**
   * A short non-secret reason, e.g. {@code invalid_grant} or {@code http_503}.
   *
   * @return the reason, or empty when the account's status has none
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /**
   * Whether a later call may succeed.
   *
   * @return true after a transient refresh failure (the account is still ACTIVE); false when the
   *     account is not ACTIVE or its token is dead
   */
  public boolean isRetryable() {
    return retryable;
  }
}

package dev.tether.core;

import java.util.Optional;

/**
 * {@link Tether#credentials} could not return usable credentials: the account is not ACTIVE, its
 * token died and could not be refreshed (the account is now EXPIRED), or a refresh failed
 * transiently ({@link #isRetryable()}) while the old token had already expired.
 */
public final class CredentialsUnavailableException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final String connectedAccountId;
  private final transient ConnectionStatus status;
  private final String reason;
  private final boolean retryable;

  CredentialsUnavailableException(String connectedAccountId, ConnectionStatus status, String reason,
      boolean retryable, String message) {
    super(message);
    this.connectedAccountId = connectedAccountId;
    this.status = status;
    this.reason = reason;
    this.retryable = retryable;
  }

  /** The account asked for. */
  public String connectedAccountId() {
    return connectedAccountId;
  }

  /** The account's status now. */
  public Optional<ConnectionStatus> status() {
    return Optional.ofNullable(status);
  }

  /** A short non-secret reason, e.g. {@code invalid_grant} or {@code http_503}. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** True when a later call may succeed (the account is still ACTIVE). */
  public boolean isRetryable() {
    return retryable;
  }
}

package dev.tether.core;

import java.util.Optional;

/**
 * A connection request ended without an ACTIVE account: the account FAILED or EXPIRED, or was
 * deleted while waited on.
 */
public final class ConnectionRequestFailedException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The account that did not connect. */
  private final String connectedAccountId;
  private final transient ConnectionStatus status;
  /** The account's status reason; null when it had none. */
  private final String reason;

  ConnectionRequestFailedException(String connectedAccountId, ConnectionStatus status, String reason) {
    super("Connection request " + connectedAccountId + " ended "
        + (status == null ? "with the account deleted" : "as " + status)
        + (reason == null ? "" : " (" + reason + ")") + "; start a new one with session.authorize(...)");
    this.connectedAccountId = connectedAccountId;
    this.status = status;
    this.reason = reason;
  }

  /**
   * The account that did not connect.
   *
   * @return the account's {@code ca_…} id
   */
  public String connectedAccountId() {
    return connectedAccountId;
  }

  /**
   * How the account ended.
   *
   * @return FAILED or EXPIRED; empty when the account was deleted (and after deserialization,
   *     which does not keep the status)
   */
  public Optional<ConnectionStatus> status() {
    return Optional.ofNullable(status);
  }

  /**
   * The account's status reason, if any.
   *
   * @return a short non-secret reason such as {@code access_denied}, or empty
   */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }
}

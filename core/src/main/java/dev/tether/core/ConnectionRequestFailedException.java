package dev.tether.core;

import java.util.Optional;

/**
 * A connection request ended without an ACTIVE account: the account FAILED or EXPIRED, or was
 * deleted while waited on.
 */
public final class ConnectionRequestFailedException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final String connectedAccountId;
  private final transient ConnectionStatus status;
  private final String reason;

  ConnectionRequestFailedException(String connectedAccountId, ConnectionStatus status, String reason) {
    super("Connection request " + connectedAccountId + " ended "
        + (status == null ? "with the account deleted" : "as " + status)
        + (reason == null ? "" : " (" + reason + ")") + "; start a new one with session.authorize(...)");
    this.connectedAccountId = connectedAccountId;
    this.status = status;
    this.reason = reason;
  }

  /** The account that did not connect. */
  public String connectedAccountId() {
    return connectedAccountId;
  }

  /** FAILED or EXPIRED; empty when the account was deleted. */
  public Optional<ConnectionStatus> status() {
    return Optional.ofNullable(status);
  }

  /** The account's status reason, if any. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }
}

package dev.tether.core;

import java.time.Duration;

/** The user did not finish connecting within the time waited; the account is still INITIATED. */
public final class ConnectionRequestTimeoutException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The account still waiting for its callback. */
  private final String connectedAccountId;

  ConnectionRequestTimeoutException(String connectedAccountId, Duration waited) {
    super("Connection request " + connectedAccountId + " was not completed within " + waited
        + "; wait again or start a new one with session.authorize(...)");
    this.connectedAccountId = connectedAccountId;
  }

  /**
   * The account still waiting for its callback.
   *
   * @return the account's {@code ca_…} id, to wait on again or to look up
   */
  public String connectedAccountId() {
    return connectedAccountId;
  }
}

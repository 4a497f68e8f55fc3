package dev.tether.core;

/**
 * The lifecycle status of a connected account.
 *
 * <pre>
 * (new) ──authorize──▶ INITIATED ──callback ok──▶ ACTIVE ◀──enable/disable──▶ INACTIVE
 *                          │ error / link TTL / superseded     │ token dead
 *                          ▼                                   ▼
 *                    FAILED, EXPIRED  (terminal)            EXPIRED
 * </pre>
 *
 * <p>{@code ACTIVE} never returns to {@code INITIATED}: re-authorizing makes a new account.
 */
public enum ConnectionStatus {
  /** A link was issued and the user has not finished it yet. */
  INITIATED,
  /** Connected; credentials are usable. */
  ACTIVE,
  /** The provider refused the authorization or the exchange failed definitively. Terminal. */
  FAILED,
  /** The link timed out or was superseded, or the token died and cannot be refreshed. Terminal. */
  EXPIRED,
  /** Disabled by the host, or superseded by a newer ACTIVE account; can be enabled again. */
  INACTIVE;

  /**
   * Whether no transition leaves this status.
   *
   * @return true for {@link #FAILED} and {@link #EXPIRED}
   */
  public boolean isTerminal() {
    return this == FAILED || this == EXPIRED;
  }
}

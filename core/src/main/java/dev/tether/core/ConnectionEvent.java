package dev.tether.core;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that happened to a connected account, delivered to every {@link ConnectionListener}.
 * Carries no secret.
 *
 * @param type what happened
 * @param account the account after the change (for {@link Type#DELETED}, as it was when deleted)
 * @param previousStatus the status before a {@link Type#STATUS_CHANGED}; empty for a new account
 * @param detail a short non-secret detail, e.g. the error code of a failed refresh
 * @param occurredAt the engine clock's time of the change
 */
public record ConnectionEvent(
    Type type,
    ConnectedAccount account,
    Optional<ConnectionStatus> previousStatus,
    Optional<String> detail,
    Instant occurredAt) {

  /** Kinds of event. */
  public enum Type {
    /** The account's status changed, or a new account was created. */
    STATUS_CHANGED,
    /** The account's access token was refreshed. */
    TOKEN_REFRESHED,
    /** A refresh failed; a definitive failure is followed by a STATUS_CHANGED to EXPIRED. */
    REFRESH_FAILED,
    /** The account and its credentials were deleted. */
    DELETED
  }

  /**
   * Checks that no component is null.
   *
   * @param type what happened
   * @param account the account after the change
   * @param previousStatus the status before a status change, or empty
   * @param detail a short non-secret detail, or empty
   * @param occurredAt the engine clock's time of the change
   */
  public ConnectionEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(previousStatus, "previousStatus");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(occurredAt, "occurredAt");
  }

  /**
   * The account's id.
   *
   * @return {@code account().id()}
   */
  public String accountId() {
    return account.id();
  }

  /**
   * The account's user.
   *
   * @return {@code account().userId()}
   */
  public String userId() {
    return account.userId();
  }

  /**
   * The account's toolkit.
   *
   * @return {@code account().toolkit()}
   */
  public String toolkit() {
    return account.toolkit();
  }

  /**
   * The status after the event.
   *
   * @return {@code account().status()}
   */
  public ConnectionStatus status() {
    return account.status();
  }

  /**
   * The account's status reason after the event.
   *
   * @return {@code account().statusReason()}
   */
  public Optional<String> reason() {
    return account.statusReason();
  }
}

package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.EXPIRED;
import static dev.tether.core.ConnectionStatus.FAILED;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.spi.Credentials;
import io.vavr.control.Either;
import java.time.Instant;
import java.util.Optional;

/**
 * The connected-account lifecycle of BEHAVIOUR.md §2 as pure functions: (record, event, now) →
 * (record, effect) or a rejection. No I/O, no clock reads, no shared state; the engine applies
 * the result under the account's (user, toolkit) lock.
 */
final class AccountStateMachine {
  /** Reason recorded when a pending link outlives its TTL. */
  static final String LINK_EXPIRED = "link_expired";

  private AccountStateMachine() {}

  /** The effect of a transition: a status change to announce, if the status changed. */
  record Transition(AccountRecord next, Optional<StatusChange> change) {}

  /** A status change: {@code from} is empty for a new account. */
  record StatusChange(Optional<ConnectionStatus> from, AccountRecord account) {}

  /** (new) → INITIATED. */
  static Transition initiate(String id, String userId, String toolkit, boolean exclusive,
      String linkId, Instant linkExpiresAt, String redirectUrl, Instant now) {
    AccountRecord r = new AccountRecord(id, userId, toolkit, INITIATED, null, now, now, null,
        exclusive, null, linkId, linkExpiresAt, redirectUrl);
    return new Transition(r, Optional.of(new StatusChange(Optional.empty(), r)));
  }

  /** (new) → ACTIVE, for credentials given directly (API key, bearer, basic). */
  static Transition createActive(String id, String userId, String toolkit, boolean exclusive,
      Credentials credentials, Instant now) {
    AccountRecord r = new AccountRecord(id, userId, toolkit, ACTIVE, null, now, now, now,
        exclusive, credentials, null, null, null);
    return new Transition(r, Optional.of(new StatusChange(Optional.empty(), r)));
  }

  /**
   * Applies {@code event} to {@code current} at {@code now}.
   *
   * @return the transition, or a one-sentence rejection naming the account and its status
   */
  static Either<String, Transition> apply(AccountRecord current, AccountEvent event, Instant now) {
    ConnectionStatus from = current.status();
    AccountRecord next = null;
    if (event instanceof AccountEvent.Activated) {
      if (from == INITIATED) {
        next = current.activated(((AccountEvent.Activated) event).credentials(), now);
      }
    } else if (event instanceof AccountEvent.Failed) {
      if (from == INITIATED) {
        next = current.with(FAILED, ((AccountEvent.Failed) event).reason(), now);
      }
    } else if (event instanceof AccountEvent.LinkExpired) {
      if (from == INITIATED) {
        next = current.with(EXPIRED, LINK_EXPIRED, now);
      }
    } else if (event instanceof AccountEvent.Superseded) {
      String by = ((AccountEvent.Superseded) event).byAccountId();
      if (from == INITIATED) {
        next = current.with(EXPIRED, "superseded_by_" + by, now);
      } else if (from == ACTIVE) {
        next = current.with(INACTIVE, "superseded_by_" + by, now);
      }
    } else if (event instanceof AccountEvent.TokenExpired) {
      if (from == ACTIVE) {
        next = current.with(EXPIRED, ((AccountEvent.TokenExpired) event).reason(), now);
      }
    } else if (event instanceof AccountEvent.Disabled) {
      if (from == ACTIVE) {
        next = current.with(INACTIVE, "disabled", now);
      }
    } else if (event instanceof AccountEvent.Enabled) {
      if (from == INACTIVE) {
        next = current.with(ACTIVE, null, now);
      }
    } else if (event instanceof AccountEvent.Refreshed) {
      // An account disabled during its refresh keeps the new (possibly rotated) credentials.
      if (from == ACTIVE || from == INACTIVE) {
        return Either.right(new Transition(
            current.withCredentials(((AccountEvent.Refreshed) event).credentials(), now),
            Optional.empty()));
      }
    }
    if (next == null) {
      return Either.left("Account " + current.id() + " is " + from + " and cannot be " + event.verb());
    }
    return Either.right(new Transition(next, Optional.of(new StatusChange(Optional.of(from), next))));
  }
}

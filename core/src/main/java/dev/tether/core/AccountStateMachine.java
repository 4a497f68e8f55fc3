package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.EXPIRED;
import static dev.tether.core.ConnectionStatus.FAILED;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.core.store.StoredAccount;
import dev.tether.spi.Credentials;
import io.vavr.control.Either;
import java.time.Instant;
import java.util.Optional;

/**
 * The connected-account lifecycle of BEHAVIOUR.md §2 as pure functions: (record, event, now) →
 * (record, effect) or a rejection. No I/O, no clock reads, no shared state; the engine commits
 * the result against the (user, toolkit) slot it was decided on ({@link SlotTransaction}).
 */
final class AccountStateMachine {
  /** Reason recorded when a pending link outlives its TTL. */
  static final String LINK_EXPIRED = StoredAccount.LINK_EXPIRED;

  private AccountStateMachine() {}

  /** The effect of a transition: a status change to announce, if the status changed. */
  record Transition(StoredAccount next, Optional<StatusChange> change) {}

  /** A status change: {@code from} is empty for a new account. */
  record StatusChange(Optional<ConnectionStatus> from, StoredAccount account) {}

  /** (new) → INITIATED. */
  static Transition initiate(String id, String userId, String toolkit, boolean exclusive,
      String linkId, Instant linkExpiresAt, String redirectUrl, Instant now) {
    StoredAccount r = StoredAccount.builder(id, userId, toolkit, INITIATED, now).exclusive(exclusive)
        .link(linkId, linkExpiresAt, redirectUrl).build();
    return new Transition(r, Optional.of(new StatusChange(Optional.empty(), r)));
  }

  /** (new) → ACTIVE, for credentials given directly (API key, bearer, basic). */
  static Transition createActive(String id, String userId, String toolkit, boolean exclusive,
      Credentials credentials, Instant now) {
    StoredAccount r = StoredAccount.builder(id, userId, toolkit, ACTIVE, now).exclusive(exclusive)
        .connectedAt(now).credentials(credentials).build();
    return new Transition(r, Optional.of(new StatusChange(Optional.empty(), r)));
  }

  /** The account in {@code status} with {@code reason}: the link goes, and credentials unless ACTIVE or INACTIVE. */
  private static StoredAccount with(StoredAccount current, ConnectionStatus status, String reason, Instant now) {
    return current.toBuilder().status(status).statusReason(reason).updatedAt(now).build();
  }

  /**
   * Applies {@code event} to {@code current} at {@code now}.
   *
   * @return the transition, or a one-sentence rejection naming the account and its status
   */
  static Either<String, Transition> apply(StoredAccount current, AccountEvent event, Instant now) {
    ConnectionStatus from = current.status();
    StoredAccount next = null;
    if (event instanceof AccountEvent.Activated) {
      if (from == INITIATED) {
        next = current.toBuilder().status(ACTIVE).updatedAt(now).connectedAt(now)
            .credentials(((AccountEvent.Activated) event).credentials()).build();
      }
    } else if (event instanceof AccountEvent.Failed) {
      if (from == INITIATED) {
        next = with(current, FAILED, ((AccountEvent.Failed) event).reason(), now);
      }
    } else if (event instanceof AccountEvent.LinkExpired) {
      if (from == INITIATED) {
        // As of the link's expiry, whenever it is noticed; built with the account, so no record is built now.
        next = current.redirectUrl() != null ? current.withLinkExpired() : with(current, EXPIRED, LINK_EXPIRED, now);
      }
    } else if (event instanceof AccountEvent.Superseded) {
      String by = ((AccountEvent.Superseded) event).byAccountId();
      if (from == INITIATED) {
        next = with(current, EXPIRED, "superseded_by_" + by, now);
      } else if (from == ACTIVE) {
        next = with(current, INACTIVE, "superseded_by_" + by, now);
      }
    } else if (event instanceof AccountEvent.TokenExpired) {
      if (from == ACTIVE) {
        next = with(current, EXPIRED, ((AccountEvent.TokenExpired) event).reason(), now);
      }
    } else if (event instanceof AccountEvent.Disabled) {
      if (from == ACTIVE) {
        next = with(current, INACTIVE, "disabled", now);
      }
    } else if (event instanceof AccountEvent.Enabled) {
      if (from == INACTIVE) {
        next = with(current, ACTIVE, null, now);
      }
    } else if (event instanceof AccountEvent.Refreshed) {
      // An account disabled during its refresh keeps the new (possibly rotated) credentials.
      if (from == ACTIVE || from == INACTIVE) {
        return Either.right(new Transition(
            current.toBuilder().updatedAt(now).credentials(((AccountEvent.Refreshed) event).credentials()).build(),
            Optional.empty()));
      }
    }
    if (next == null) {
      return Either.left("Account " + current.id() + " is " + from + " and cannot be " + event.verb());
    }
    return Either.right(new Transition(next, Optional.of(new StatusChange(Optional.of(from), next))));
  }
}

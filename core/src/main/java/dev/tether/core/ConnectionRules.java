package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;
import static dev.tether.core.ConnectionStatus.INACTIVE;
import static dev.tether.core.ConnectionStatus.INITIATED;

import dev.tether.core.AccountStateMachine.Transition;
import dev.tether.core.store.StoredAccount;
import dev.tether.spi.Credentials;
import io.vavr.control.Either;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rules of one (user, toolkit) slot (BEHAVIOUR.md §2), as pure decisions over a {@link
 * SlotDraft}: at most one pending link, a newer link supersedes the pending one, a newer ACTIVE
 * account supersedes the other in single-account mode, the multi-account room, and forgetting
 * links that ended without connecting. Each decision applies {@link AccountStateMachine}
 * transitions to the draft and records their events; what it returns says what happened. No I/O,
 * no clock, no state: the engine commits the draft. Thread-safe: static.
 */
final class ConnectionRules {
  private ConnectionRules() {}

  /** What a link request found or did. */
  sealed interface LinkDecision {
    /** An ACTIVE account answers the request (the meta-tool without {@code reinitiate_all}). */
    record Active(StoredAccount account) implements LinkDecision {}

    /** An unexpired pending link answers it (the meta-tool without {@code reinitiate_all}). */
    record Pending(StoredAccount account) implements LinkDecision {}

    /**
     * The user has as many accounts as the session allows.
     *
     * @param kept the ACTIVE and INACTIVE accounts
     * @param pendingAccount the pending account whose link holds the last place (it would connect
     *     one more), or null
     */
    record NoRoom(long kept, String pendingAccount) implements LinkDecision {
      /** Why, and what the host can do, naming the user and toolkit. */
      String message(String userId, String toolkit) {
        String has = "User '" + userId + "' already has " + kept + " '" + toolkit + "' account"
            + (kept == 1 ? "" : "s");
        return pendingAccount == null ? has + ", this session's maximum; delete one before connecting another"
            : has + " and a pending link (account " + pendingAccount + "), this session's maximum; let that link "
                + "finish or expire, or delete its account with tether.delete(\"" + pendingAccount + "\"), before "
                + "connecting another";
      }
    }

    /** A new INITIATED account; {@code replacedActive} when an ACTIVE one existed. */
    record Issued(StoredAccount account, boolean replacedActive) implements LinkDecision {}
  }

  /**
   * What a new link needs, decided before the slot is read.
   *
   * @param reuseExisting answer with an ACTIVE account or the pending link instead of a new link
   * @param maxAccounts the session's room per toolkit (1 in single-account mode)
   */
  record LinkRequest(String accountId, String linkId, Instant expiresAt, String redirectUrl, boolean reuseExisting,
      int maxAccounts) {
    boolean multiAccount() {
      return maxAccounts > 1;
    }
  }

  /**
   * Expires due links, and forgets links that ended without ever connecting once their TTL has
   * passed again: nothing can happen to them any more, and keeping them would let a user who keeps
   * asking for links slow down every later call.
   */
  static void housekeep(SlotDraft d, Duration linkTtl) {
    List<StoredAccount> accounts = d.accounts(); // a snapshot: the loop changes the draft
    for (int i = 0; i < accounts.size(); i++) {
      StoredAccount a = accounts.get(i);
      if (a.linkExpiredAt(d.now())) {
        apply(d, a, new AccountEvent.LinkExpired());
      } else if (a.abandonedLongerThan(linkTtl, d.now())) {
        d.remove(a.id());
      }
    }
  }

  /** Whether {@link #housekeep} would change anything, so a read can skip the commit. */
  static boolean needsHousekeeping(List<StoredAccount> accounts, Instant now, Duration linkTtl) {
    for (int i = 0; i < accounts.size(); i++) {
      StoredAccount a = accounts.get(i);
      if (a.linkExpiredAt(now) || a.abandonedLongerThan(linkTtl, now)) {
        return true;
      }
    }
    return false;
  }

  /** A new link for the slot's user and toolkit, or what answers the request instead. */
  static LinkDecision issueLink(SlotDraft d, LinkRequest r, Duration linkTtl) {
    // The request's account id is fresh: the slot can hold it only if a commit that failed to
    // answer was written, and then nothing is issued twice.
    Optional<StoredAccount> mine = d.afterUncertainCommit() ? d.find(r.accountId()) : Optional.empty();
    if (mine.isPresent()) {
      return new LinkDecision.Issued(mine.get(), latestActive(d.accounts()).isPresent());
    }
    housekeep(d, linkTtl);
    Optional<StoredAccount> active = latestActive(d.accounts());
    if (r.reuseExisting()) {
      if (active.isPresent()) {
        return new LinkDecision.Active(active.get());
      }
      Optional<StoredAccount> pending = pending(d.accounts());
      if (pending.isPresent()) {
        return new LinkDecision.Pending(pending.get());
      }
    }
    long kept = kept(d.accounts());
    if (r.multiAccount() && kept >= r.maxAccounts()) {
      return new LinkDecision.NoRoom(kept, null); // a pending link takes no place: the new one supersedes it
    }
    pending(d.accounts()).ifPresent(old -> apply(d, old, new AccountEvent.Superseded(r.accountId())));
    Transition t = AccountStateMachine.initiate(r.accountId(), d.userId(), d.toolkit(), !r.multiAccount(),
        r.linkId(), r.expiresAt(), r.redirectUrl(), d.now());
    record(d, t);
    return new LinkDecision.Issued(t.next(), active.isPresent());
  }

  /**
   * (new) → ACTIVE with credentials given directly; in single-account mode the pair's other ACTIVE
   * account becomes INACTIVE.
   *
   * @return the new account, or {@code NoRoom} as the left side
   */
  static Either<LinkDecision.NoRoom, StoredAccount> createActive(SlotDraft d, String accountId, int maxAccounts,
      Credentials credentials, Duration linkTtl) {
    Optional<StoredAccount> mine = d.afterUncertainCommit() ? d.find(accountId) : Optional.empty();
    if (mine.isPresent()) {
      return Either.right(mine.get()); // written by a commit that failed to answer (see issueLink)
    }
    housekeep(d, linkTtl);
    long kept = kept(d.accounts());
    boolean multi = maxAccounts > 1;
    // A pending link keeps its place: it stays pending beside the new account and would connect one
    // more than the room once it completes.
    Optional<StoredAccount> pendingLink = multi ? pending(d.accounts()) : Optional.empty();
    if (multi && kept + (pendingLink.isPresent() ? 1 : 0) >= maxAccounts) {
      return Either.left(new LinkDecision.NoRoom(kept, pendingLink.map(StoredAccount::id).orElse(null)));
    }
    Transition t = AccountStateMachine.createActive(accountId, d.userId(), d.toolkit(), !multi, credentials, d.now());
    record(d, t);
    if (!multi) {
      supersedeOtherActive(d, accountId);
    }
    return Either.right(t.next());
  }

  /**
   * INITIATED → ACTIVE, unless the link expired or was superseded meanwhile (then the credentials
   * are dropped); in single-account mode the pair's other ACTIVE account becomes INACTIVE.
   *
   * @return the account after the decision, or empty when it is gone
   */
  static Optional<StoredAccount> activate(SlotDraft d, String accountId, Credentials credentials, Duration linkTtl) {
    housekeep(d, linkTtl);
    Optional<StoredAccount> current = d.find(accountId);
    if (current.isEmpty() || current.get().status() != INITIATED) {
      return current;
    }
    StoredAccount activated = apply(d, current.get(), new AccountEvent.Activated(credentials))
        .getOrElseThrow((String why) -> new IllegalStateException(why));
    if (activated.exclusive()) {
      supersedeOtherActive(d, accountId);
    }
    return Optional.of(activated);
  }

  /**
   * INITIATED → FAILED with {@code reason}; an account no longer pending is left as it is.
   *
   * @return the account after the decision, or empty when it is gone
   */
  static Optional<StoredAccount> fail(SlotDraft d, String accountId, String reason, Duration linkTtl) {
    housekeep(d, linkTtl);
    Optional<StoredAccount> current = d.find(accountId);
    if (current.isEmpty() || current.get().status() != INITIATED) {
      return current;
    }
    return Optional.of(apply(d, current.get(), new AccountEvent.Failed(reason))
        .getOrElseThrow((String why) -> new IllegalStateException(why)));
  }

  /**
   * A host's change (disable, enable); enabling an exclusive account makes the pair's other ACTIVE
   * account INACTIVE.
   *
   * @return the account after the change, or the state machine's refusal
   */
  static Either<String, StoredAccount> change(SlotDraft d, StoredAccount current, AccountEvent event) {
    if (d.afterUncertainCommit() && alreadyDone(current, event)) {
      return Either.right(current); // the commit that failed to answer made this change
    }
    Either<String, StoredAccount> next = apply(d, current, event);
    if (next.isRight() && event instanceof AccountEvent.Enabled && next.get().exclusive()) {
      supersedeOtherActive(d, current.id());
    }
    return next;
  }

  /** Removes the account with its credentials, announcing the deletion. */
  static boolean delete(SlotDraft d, String accountId) {
    Optional<StoredAccount> current = d.find(accountId);
    current.ifPresent(c -> {
      d.remove(c.id());
      d.event(ConnectionEvent.Type.DELETED, c, Optional.of(c.status()), Optional.empty());
    });
    // Gone after a commit that may have been written: most likely this very deletion.
    return current.isPresent() || d.afterUncertainCommit();
  }

  /** New credentials after a refresh; the status does not change (an INACTIVE account keeps them). */
  static Optional<StoredAccount> refreshed(SlotDraft d, String accountId, Credentials credentials) {
    Optional<StoredAccount> found = d.find(accountId);
    if (d.afterUncertainCommit() && found.flatMap(StoredAccount::credentials).filter(credentials::equals).isPresent()) {
      return found; // stored, and announced, by the commit that failed to answer
    }
    return found.flatMap(current -> apply(d, current, new AccountEvent.Refreshed(credentials))
        .peek(next -> d.event(ConnectionEvent.Type.TOKEN_REFRESHED, next, Optional.of(next.status()), Optional.empty()))
        .toJavaOptional());
  }

  /** A definitive refresh failure: announced, then ACTIVE → EXPIRED with the error code. */
  static Optional<StoredAccount> tokenDied(SlotDraft d, String accountId, String code) {
    return d.find(accountId).flatMap(current -> {
      if (d.afterUncertainCommit() && current.status() == ConnectionStatus.EXPIRED) {
        return Optional.of(current); // expired, and announced, by the commit that failed to answer
      }
      d.event(ConnectionEvent.Type.REFRESH_FAILED, current, Optional.of(current.status()), Optional.of(code));
      return apply(d, current, new AccountEvent.TokenExpired(code)).toJavaOptional();
    });
  }

  // ---------------------------------------------------------------- queries

  /** The pending (INITIATED) account, the most recent if several. */
  static Optional<StoredAccount> pending(List<StoredAccount> accounts) {
    StoredAccount found = null;
    for (int i = 0; i < accounts.size(); i++) {
      StoredAccount a = accounts.get(i);
      if (a.status() == INITIATED) {
        found = a;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The most recently connected ACTIVE account. */
  static Optional<StoredAccount> latestActive(List<StoredAccount> accounts) {
    StoredAccount best = null;
    for (int i = 0; i < accounts.size(); i++) {
      StoredAccount a = accounts.get(i);
      if (a.status() == ACTIVE && (best == null || a.atLeastAsRecentAs(best))) {
        best = a;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The newest account of the slot, whatever its status. */
  static Optional<StoredAccount> latest(List<StoredAccount> accounts) {
    return accounts.isEmpty() ? Optional.empty() : Optional.of(accounts.get(accounts.size() - 1));
  }

  /** Whether {@code current} already shows what a host's {@code event} (disable, enable) would make. */
  private static boolean alreadyDone(StoredAccount current, AccountEvent event) {
    return (event instanceof AccountEvent.Disabled && current.status() == INACTIVE)
        || (event instanceof AccountEvent.Enabled && current.status() == ACTIVE);
  }

  /** Accounts that count towards the multi-account room: ACTIVE and INACTIVE ones. */
  private static long kept(List<StoredAccount> accounts) {
    long kept = 0;
    for (int i = 0; i < accounts.size(); i++) {
      ConnectionStatus s = accounts.get(i).status();
      if (s == ACTIVE || s == INACTIVE) {
        kept++;
      }
    }
    return kept;
  }

  // ---------------------------------------------------------------- transitions

  /** Single-account mode: {@code keptId} becomes the pair's only ACTIVE account. */
  private static void supersedeOtherActive(SlotDraft d, String keptId) {
    List<StoredAccount> accounts = d.accounts(); // a snapshot: the loop changes the draft
    for (int i = 0; i < accounts.size(); i++) {
      StoredAccount other = accounts.get(i);
      if (other.status() == ACTIVE && !other.id().equals(keptId)) {
        apply(d, other, new AccountEvent.Superseded(keptId));
      }
    }
  }

  private static Either<String, StoredAccount> apply(SlotDraft d, StoredAccount current, AccountEvent event) {
    return AccountStateMachine.apply(current, event, d.now()).map(t -> {
      record(d, t);
      return t.next();
    });
  }

  private static void record(SlotDraft d, Transition t) {
    d.put(t.next());
    t.change().ifPresent(c -> d.event(ConnectionEvent.Type.STATUS_CHANGED, c.account(), c.from(), Optional.empty()));
  }
}

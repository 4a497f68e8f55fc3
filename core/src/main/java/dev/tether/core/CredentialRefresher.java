package dev.tether.core;

import static dev.tether.core.ConnectionStatus.ACTIVE;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Usable credentials (BEHAVIOUR.md §7): a token about to expire is refreshed first, once for every
 * caller of every engine sharing the store. The caller that takes the account's refresh lease asks
 * the provider (outside any lock or commit) and commits the result; the others wait for that change
 * on the feed and read it. A rotated refresh token is stored before anyone returns. Thread-safe.
 */
final class CredentialRefresher {
  private static final System.Logger LOG = System.getLogger(CredentialRefresher.class.getName());
  /** How long a refresh lease holds if its holder vanishes. */
  static final Duration LEASE = Duration.ofMinutes(1);
  /** How long, in real time, a caller waits for another's refresh before giving up with a retryable error. */
  static final Duration WAIT_FOR_OTHER = Duration.ofSeconds(60);

  private final EngineConfig config;
  private final ProviderRegistry registry;
  private final ConnectionStore store;
  private final SlotTransaction tx;
  private final ConnectionWaiters waiters;
  private final AccountAdmin accounts;
  private final Ids ids;

  CredentialRefresher(EngineConfig config, ProviderRegistry registry, ConnectionStore store, SlotTransaction tx,
      ConnectionWaiters waiters, AccountAdmin accounts, Ids ids) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.tx = tx;
    this.waiters = waiters;
    this.accounts = accounts;
    this.ids = ids;
  }

  Credentials credentials(String id, Instant now) {
    return credentials(id, config.refreshSkew(), now);
  }

  /** @param margin refresh when the token expires within this (the skew, or more for proactive refresh) */
  private Credentials credentials(String id, Duration margin, Instant now) {
    long giveUpAt = System.nanoTime() + WAIT_FOR_OTHER.toNanos();
    while (true) {
      StoredAccount r = accounts.account(id, now).orElseThrow(() -> new AccountNotFoundException(id));
      if (r.status() != ACTIVE) {
        throw unavailable(r);
      }
      if (!r.dueForRefresh(now, margin)) {
        return r.credentials().orElseThrow();
      }
      CompletableFuture<ConnectionEvent> next = waiters.nextChange(id); // registered before looking again
      String holder = ids.attempt();
      if (store.tryLease(id, holder, now, now.plus(LEASE))) {
        try {
          return refresh(id, margin, now);
        } finally {
          store.releaseLease(id, holder);
        }
      }
      // Look again now that a waiter is registered: the holder may have committed just before.
      StoredAccount again = store.account(id).orElseThrow(() -> new AccountNotFoundException(id));
      if (again.status() != ACTIVE) {
        throw unavailable(again);
      }
      if (!again.dueForRefresh(now, margin)) {
        return again.credentials().orElseThrow();
      }
      ConnectionEvent change = await(next, giveUpAt, r);
      if (change.type() == ConnectionEvent.Type.REFRESH_FAILED && change.status() == ACTIVE) {
        // The leader's refresh failed transiently: share its outcome rather than asking again.
        StoredAccount after = store.account(id).orElseThrow(() -> new AccountNotFoundException(id));
        if (after.status() != ACTIVE) {
          throw unavailable(after); // it was definitive: the account expired
        }
        if (after.credentialsExpireAt().map(now::isBefore).orElse(true)) {
          return after.credentials().orElseThrow();
        }
        throw new CredentialsUnavailableException(id, ACTIVE, change.detail().orElse("refresh_failed"), true,
            "Refreshing account " + id + " ('" + r.toolkit() + "') failed transiently ("
                + change.detail().orElse("refresh_failed") + "); retry later");
      }
    }
  }

  private ConnectionEvent await(CompletableFuture<ConnectionEvent> next, long giveUpAt, StoredAccount r) {
    long remaining = giveUpAt - System.nanoTime();
    try {
      if (remaining > 0) {
        return next.get(remaining, TimeUnit.NANOSECONDS);
      }
    } catch (TimeoutException e) {
      // fall through
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TetherException("Interrupted while waiting for account " + r.id() + " to be refreshed", e);
    }
    throw new CredentialsUnavailableException(r.id(), ACTIVE, "refresh_in_progress", true, "Account " + r.id()
        + " ('" + r.toolkit() + "') is being refreshed elsewhere and no result came within " + WAIT_FOR_OTHER
        + "; retry later");
  }

  /** Runs one refresh; the caller holds the account's lease. */
  private Credentials refresh(String id, Duration margin, Instant now) {
    StoredAccount r = store.account(id).orElseThrow(() -> new AccountNotFoundException(id));
    if (r.status() != ACTIVE) {
      throw unavailable(r);
    }
    if (!r.dueForRefresh(now, margin)) {
      return r.credentials().orElseThrow(); // another caller refreshed meanwhile
    }
    ProviderRegistry.Entry entry = registry.find(r.toolkit()).orElseThrow(() -> new TetherException(
        "Account " + id + " belongs to toolkit '" + r.toolkit() + "', which no provider of this engine serves"));
    Credentials old = r.credentials().orElseThrow();
    Credentials fresh;
    try {
      fresh = entry.provider().refresh(new RefreshRequest(r.toolkit(), r.userId(), old, now));
    } catch (ProviderException e) {
      return refreshFailed(r, e, now);
    }
    if (fresh.refreshToken().isEmpty() && old.refreshToken().isPresent()) {
      fresh = fresh.toBuilder().refreshToken(old.refreshToken().get().reveal()).build();
    }
    Credentials stored = fresh;
    tx.run(r.userId(), r.toolkit(), config.now(), d -> ConnectionRules.refreshed(d, id, stored));
    return stored;
  }

  private Credentials refreshFailed(StoredAccount r, ProviderException e, Instant now) {
    String code = e.errorCode();
    if (e.isDefinitive()) {
      tx.run(r.userId(), r.toolkit(), config.now(), d -> ConnectionRules.tokenDied(d, r.id(), code));
      throw new CredentialsUnavailableException(r.id(), ConnectionStatus.EXPIRED, code, false, "Account "
          + r.id() + " ('" + r.toolkit() + "') expired: its token could not be refreshed (" + code + "); connect "
          + "it again with session.authorize(\"" + r.toolkit() + "\")");
    }
    store.announce(new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED, r.view(), Optional.of(r.status()),
        Optional.of(code), config.now()));
    if (r.credentialsExpireAt().map(now::isBefore).orElse(true)) {
      return r.credentials().orElseThrow(); // still valid for a little while: better than failing the caller
    }
    throw new CredentialsUnavailableException(r.id(), ACTIVE, code, true, "Refreshing account " + r.id()
        + " ('" + r.toolkit() + "') failed transiently (" + code + "): " + e.getMessage() + "; retry later");
  }

  private static CredentialsUnavailableException unavailable(StoredAccount r) {
    String reason = r.statusReason().orElse(null);
    // An INACTIVE account still holds its credentials: enabling it is the fix, not a new link; a
    // pending one needs only the user to finish its link.
    String fix = r.status() == ConnectionStatus.INACTIVE ? "enable it with tether.enable(\"" + r.id() + "\")"
        : r.status() == ConnectionStatus.INITIATED ? "its link is still pending: wait until the user completes it "
            + "(ConnectionRequest.waitForConnection)"
        : "connect it again with session.authorize(\"" + r.toolkit() + "\")";
    return new CredentialsUnavailableException(r.id(), r.status(), reason, false, "Account " + r.id()
        + " ('" + r.toolkit() + "') is " + r.status() + (reason == null ? "" : " (" + reason + ")") + "; " + fix);
  }

  /**
   * Refreshes every ACTIVE account whose token expires within the skew plus {@code lookahead};
   * failures are logged (and announced as events), never thrown.
   *
   * @return how many accounts were due
   */
  int refreshExpiring(Duration lookahead, Instant now) {
    Duration margin = config.refreshSkew().plus(lookahead);
    int due = 0;
    for (StoredAccount r : store.refreshDueBy(now.plus(margin), Integer.MAX_VALUE)) {
      due++;
      try {
        credentials(r.id(), margin, now);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, () -> "Proactive refresh of " + r.id() + " failed: " + e.getMessage());
      }
    }
    return due;
  }
}

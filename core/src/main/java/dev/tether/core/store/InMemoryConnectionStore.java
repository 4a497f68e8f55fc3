package dev.tether.core.store;

import static dev.tether.core.store.UserRecords.array;
import static dev.tether.core.store.UserRecords.compact;
import static dev.tether.core.store.UserRecords.same;
import static dev.tether.core.store.UserRecords.select;
import static dev.tether.core.store.UserRecords.with;
import static dev.tether.core.store.UserRecords.without;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.store.UserRecords.Several;
import dev.tether.spi.AuthorizationLink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory {@link ConnectionStore}: concurrent maps, a fixed array of lock stripes that commits
 * take by user, and {@link ExpiryQueue}s for the sweeps. A commit is checked against the very
 * accounts the slot read handed out (records are immutable and replaced on every change, so identity
 * is the version); listeners are called on the committing thread once its stripe is released.
 * Shared by several engines, it behaves like a shared database. Thread-safe.
 */
final class InMemoryConnectionStore implements ConnectionStore {
  private static final System.Logger LOG = System.getLogger(InMemoryConnectionStore.class.getName());
  private static final int STRIPES = 256;

  private final InMemorySessions sessions = new InMemorySessions();
  /**
   * Every account by id: the {@link StoredAccount}, or a {@link QueuedLink} while its link waits
   * to expire, so the commit that ends the wait (or changes it) cancels the queue entry and the
   * sweep drops a dead link's entry without a lookup. Written only under the user's stripe.
   */
  private final ConcurrentHashMap<String, Object> accounts = new ConcurrentHashMap<>();
  /**
   * Each user's accounts, all toolkits: one {@link StoredAccount} (the common case: no array) or
   * {@link Several}. Replaced whole on every change, so a lock-free reader sees a consistent
   * snapshot; a user with no account has no entry.
   */
  private final ConcurrentHashMap<String, Object> users = new ConcurrentHashMap<>();
  /**
   * Commit locks, a user's chosen by hash: nothing per user at rest and nothing allocated per commit
   * (a lock per user in a map cost two map updates a commit); two users share a stripe only for the
   * few hundred nanoseconds a commit holds it. Each is padded (72 bytes), so no two stripes'
   * monitors share a 64-byte line and taking one does not take a neighbour's from another core.
   */
  private final Stripe[] stripes = new Stripe[STRIPES];
  private final ExpiryQueue pendingLinks = new ExpiryQueue();
  private final InMemoryFlows flows = new InMemoryFlows();
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<StoreListener> listeners = new CopyOnWriteArrayList<>();

  InMemoryConnectionStore() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public void putSession(StoredSession session) {
    sessions.put(session);
  }

  @Override
  public Optional<StoredSession> session(String sessionId) {
    return sessions.get(sessionId);
  }

  @Override
  public void touchSession(String sessionId, Instant at) {
    sessions.touch(sessionId, at);
  }

  @Override
  public int removeSessionsIdleSince(Instant cutoff, int limit) {
    return sessions.removeIdleSince(cutoff, limit);
  }

  // ---------------------------------------------------------------- accounts

  @Override
  public Slot slot(String userId, String toolkit) {
    return new Slot(userId, toolkit, select(users.get(userId), toolkit), 0);
  }

  @Override
  public boolean commit(SlotCommit commit) {
    Slot read = commit.read();
    String userId = read.userId();
    int h = userId.hashCode();
    Object lock = stripes[(h ^ (h >>> 16)) & (STRIPES - 1)];
    List<String> settled = commit.completions().isEmpty() ? List.of() : new ArrayList<>(1);
    synchronized (lock) {
      Object records = users.get(userId);
      if (!same(records, read.toolkit(), read.accounts())) {
        return false;
      }
      // Indexed loops: the lists are immutable, and an iterator per loop was garbage on every commit.
      List<String> remove = commit.remove();
      List<StoredAccount> put = commit.put();
      StoredAccount[] current = array(records);
      StoredAccount[] next = current;
      for (int i = 0; i < remove.size(); i++) {
        StoredAccount[] after = without(next, remove.get(i), read.toolkit());
        if (after == next) {
          continue; // not this slot's account: not this commit's to remove (nor under this stripe)
        }
        next = after;
        cancel(accounts.remove(remove.get(i)));
      }
      for (int i = 0; i < put.size(); i++) {
        StoredAccount a = put.get(i);
        next = with(next, a);
        long expiresAt = a.linkExpiresAtNanos();
        if (expiresAt == Times.NONE) {
          cancel(accounts.put(a.id(), a));
          continue;
        }
        // The map value is the queue entry: put, then queue, so a sweep that meets the entry has its
        // account. A record changed in place (same link) gets a new entry too; that is rare, and
        // keeps every entry final.
        QueuedLink pending = new QueuedLink(a, expiresAt);
        cancel(accounts.put(a.id(), pending));
        pendingLinks.add(pending);
      }
      for (int i = 0; i < commit.flows().size(); i++) {
        flows.put(commit.flows().get(i));
      }
      for (int i = 0; i < commit.completions().size(); i++) {
        SlotCommit.FlowCompletion c = commit.completions().get(i);
        if (flows.complete(c.key(), c.claimant(), c.outcome())) {
          settled.add(c.key());
        }
      }
      if (next.length == 0) {
        users.remove(userId);
      } else if (next != current) {
        users.put(userId, compact(next));
      }
    }
    List<ConnectionEvent> events = commit.events();
    for (int i = 0; i < events.size(); i++) {
      ConnectionEvent event = events.get(i);
      deliver(l -> l.accountChanged(event));
    }
    for (int i = 0; i < settled.size(); i++) {
      String key = settled.get(i);
      deliver(l -> l.flowSettled(key));
    }
    return true;
  }

  /** Cancels the queue entry of a replaced or removed account. */
  private static void cancel(Object old) {
    if (old instanceof QueuedLink) {
      ((QueuedLink) old).cancel();
    }
  }

  private static StoredAccount unwrap(Object value) {
    return value instanceof QueuedLink ? ((QueuedLink) value).account : (StoredAccount) value;
  }

  /** A commit lock: its monitor, and padding that keeps the next stripe's monitor off its line. */
  @SuppressWarnings("unused")
  private static final class Stripe {
    long p0, p1, p2, p3, p4, p5, p6;
  }

  /**
   * An account whose link waits to expire, and its entry in the queue of pending links: one object
   * (32 bytes with the entry's fields), so the sweep judges the account it reaches without a lookup.
   * The account never changes; the entry is cancelled by the commit that replaces or removes it.
   */
  private static final class QueuedLink extends ExpiryEntry {
    final StoredAccount account;

    QueuedLink(StoredAccount account, long expiresAtNanos) {
      super(account.id(), expiresAtNanos);
      this.account = account;
    }
  }

  @Override
  public Optional<StoredAccount> account(String accountId) {
    return Optional.ofNullable(unwrap(accounts.get(accountId)));
  }

  @Override
  public List<StoredAccount> accountsOf(String userId) {
    List<StoredAccount> out = new ArrayList<>(select(users.get(userId), null));
    out.sort(Comparator.comparing(StoredAccount::createdAt));
    return out;
  }

  @Override
  public List<StoredAccount> allAccounts() {
    List<StoredAccount> out = new ArrayList<>(accounts.size());
    for (Object value : accounts.values()) {
      out.add(unwrap(value));
    }
    out.sort(Comparator.comparing(StoredAccount::createdAt));
    return out;
  }

  @Override
  public List<StoredAccount> linksExpiredBy(Instant at, int limit) {
    List<StoredAccount> due = new ArrayList<>();
    StoredAccount[] judged = new StoredAccount[1]; // what the judge read, for the visit that follows it
    // An entry whose account moved on was cancelled by that commit; the judge sees the rest, each
    // with its account (a commit racing this sweep may replace it meanwhile: the due list is a hint,
    // and the slot transaction that follows decides on the slot as it is then).
    pendingLinks.sweep(Times.nanos(at), limit, (id, entry) -> {
      StoredAccount a = ((QueuedLink) entry).account;
      if (a.status() != ConnectionStatus.INITIATED || a.redirectUrl() == null) {
        return ExpiryQueue.State.GONE;
      }
      judged[0] = a;
      return a.linkExpiredAt(at) ? ExpiryQueue.State.DUE : ExpiryQueue.State.LATER;
    }, id -> due.add(judged[0]));
    return due;
  }

  @Override
  public List<StoredAccount> refreshDueBy(Instant at, int limit) {
    List<StoredAccount> due = new ArrayList<>();
    for (Object value : accounts.values()) {
      if (due.size() >= limit) {
        break;
      }
      StoredAccount a = unwrap(value);
      if (a.status() == ConnectionStatus.ACTIVE && a.dueForRefresh(at, java.time.Duration.ZERO)) {
        due.add(a);
      }
    }
    return due;
  }

  @Override
  public void announce(ConnectionEvent event) {
    deliver(l -> l.accountChanged(event));
  }

  // ---------------------------------------------------------------- flows

  @Override
  public Optional<StoredFlow> flow(String key) {
    return flows.get(key);
  }

  @Override
  public Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    return flows.attachLink(key, link);
  }

  @Override
  public FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil) {
    return flows.claim(key, claimant, now, leaseUntil);
  }

  @Override
  public boolean completeFlow(String key, String claimant, CallbackResult outcome) {
    boolean done = flows.complete(key, claimant, outcome);
    if (done) {
      deliver(l -> l.flowSettled(key));
    }
    return done;
  }

  @Override
  public void releaseFlow(String key, String claimant) {
    if (flows.release(key, claimant)) {
      deliver(l -> l.flowSettled(key));
    }
  }

  @Override
  public int removeFlowsExpiredBy(Instant at, int limit) {
    List<String> removed = flows.removeExpiredBy(at, limit);
    for (String key : removed) {
      deliver(l -> l.flowSettled(key)); // a callback waiting on its claim stops waiting
    }
    return removed.size();
  }

  // ---------------------------------------------------------------- leases

  @Override
  public boolean tryLease(String accountId, String holder, Instant now, Instant until) {
    long nowNanos = Times.nanos(now);
    Lease mine = new Lease(holder, Times.nanos(until));
    Lease after = leases.compute(accountId, (id, held) ->
        held == null || held.holder.equals(holder) || held.until <= nowNanos ? mine : held);
    return after == mine;
  }

  @Override
  public void releaseLease(String accountId, String holder) {
    leases.computeIfPresent(accountId, (id, held) -> held.holder.equals(holder) ? null : held);
  }

  private record Lease(String holder, long until) {}

  // ---------------------------------------------------------------- change feed

  @Override
  public Subscription subscribe(StoreListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private void deliver(java.util.function.Consumer<StoreListener> call) {
    for (StoreListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, () -> "Store listener " + l.getClass().getName() + " threw "
            + e.getClass().getName() + "; skipped it", e);
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryConnectionStore[" + sessions.size() + " sessions, " + accounts.size() + " accounts, "
        + flows.size() + " flows]";
  }

}

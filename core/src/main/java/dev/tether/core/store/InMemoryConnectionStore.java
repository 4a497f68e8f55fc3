package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.spi.AuthorizationLink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory {@link ConnectionStore}: concurrent maps, a per-user lock that exists only while in
 * use, and {@link ExpiryQueue}s for the sweeps. A commit is checked against the very accounts the
 * slot read handed out (records are immutable and replaced on every change, so identity is the
 * version); listeners are called on the committing thread once the user's lock is released.
 * Shared by several engines, it behaves like a shared database. Thread-safe.
 */
final class InMemoryConnectionStore implements ConnectionStore {
  private static final System.Logger LOG = System.getLogger(InMemoryConnectionStore.class.getName());
  private static final StoredAccount[] NONE = new StoredAccount[0];

  private final ConcurrentHashMap<String, SessionEntry> sessions = new ConcurrentHashMap<>();
  /**
   * Sessions by the last use known when they were indexed, for the idle sweep. A use does not
   * re-index (uses are frequent): the sweep checks each candidate's real last use and indexes it
   * again when it was used since.
   */
  private final ConcurrentSkipListSet<IdleKey> idle = new ConcurrentSkipListSet<>();
  private final ConcurrentHashMap<String, StoredAccount> accounts = new ConcurrentHashMap<>();
  /**
   * Each user's accounts, all toolkits: one {@link StoredAccount} (the common case: no array) or
   * {@link Several}. Replaced whole on every change, so a lock-free reader sees a consistent
   * snapshot; a user with no account has no entry.
   */
  private final ConcurrentHashMap<String, Object> users = new ConcurrentHashMap<>();
  /** Users' locks, present only while someone holds or waits for one: nothing is kept at rest. */
  private final ConcurrentHashMap<String, UserLock> locks = new ConcurrentHashMap<>();
  private final ExpiryQueue pendingLinks = new ExpiryQueue();
  private final ConcurrentHashMap<String, FlowEntry> flows = new ConcurrentHashMap<>();
  private final ExpiryQueue flowExpiry = new ExpiryQueue();
  private final ConcurrentHashMap<String, Lease> leases = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<StoreListener> listeners = new CopyOnWriteArrayList<>();

  // ---------------------------------------------------------------- sessions

  @Override
  public void putSession(StoredSession session) {
    sessions.put(session.id(), new SessionEntry(session));
    idle.add(new IdleKey(Times.nanos(session.lastUsedAt()), session.id()));
  }

  @Override
  public Optional<StoredSession> session(String sessionId) {
    SessionEntry e = sessions.get(sessionId);
    return e == null ? Optional.empty() : Optional.of(e.current);
  }

  @Override
  public void touchSession(String sessionId, Instant at) {
    SessionEntry e = sessions.get(sessionId);
    // Racy on purpose: a concurrent use may write a time a few microseconds older, which can only
    // bring an idle expiry forward by as much. A use costs one volatile write, nothing shared.
    if (e != null && at.isAfter(e.current.lastUsedAt())) {
      e.current = e.current.usedAt(at);
    }
  }

  @Override
  public int removeSessionsIdleSince(Instant cutoff, int limit) {
    long cut = Times.nanos(cutoff);
    int removed = 0;
    while (removed < limit) {
      IdleKey first = idle.isEmpty() ? null : idle.first();
      if (first == null || first.lastUsed > cut) {
        break;
      }
      if (!idle.remove(first)) {
        continue;
      }
      SessionEntry e = sessions.get(first.id);
      if (e == null) {
        continue;
      }
      long lastUsed = Times.nanos(e.current.lastUsedAt());
      if (lastUsed <= cut) {
        if (sessions.remove(first.id, e)) {
          removed++;
        }
      } else {
        idle.add(new IdleKey(lastUsed, first.id)); // used since it was indexed
      }
    }
    return removed;
  }

  /** A session as last used; replaced whole on each use. */
  private static final class SessionEntry {
    volatile StoredSession current;

    SessionEntry(StoredSession session) {
      this.current = session;
    }
  }

  private record IdleKey(long lastUsed, String id) implements Comparable<IdleKey> {
    private static final Comparator<IdleKey> ORDER =
        Comparator.comparingLong(IdleKey::lastUsed).thenComparing(IdleKey::id);

    @Override
    public int compareTo(IdleKey o) {
      return ORDER.compare(this, o);
    }
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
    UserLock lock = locks.compute(userId, (u, held) -> (held == null ? new UserLock() : held).join());
    List<String> settled = commit.completions().isEmpty() ? List.of() : new ArrayList<>(1);
    try {
      synchronized (lock) {
        if (!sameRecords(select(users.get(userId), read.toolkit()), read.accounts())) {
          return false;
        }
        StoredAccount[] current = array(users.get(userId));
        StoredAccount[] next = current;
        for (String id : commit.remove()) {
          next = without(next, id, read.toolkit());
        }
        for (StoredAccount a : commit.put()) {
          next = with(next, a);
        }
        for (String id : commit.remove()) {
          accounts.remove(id);
        }
        for (StoredAccount a : commit.put()) {
          StoredAccount old = accounts.put(a.id(), a);
          long expiresAt = a.linkExpiresAtNanos();
          if (expiresAt != Times.NONE && (old == null || old.linkExpiresAtNanos() != expiresAt)) {
            pendingLinks.add(a.id(), expiresAt);
          }
        }
        for (StoredFlow f : commit.flows()) {
          flows.merge(f.key(), new FlowEntry(f, null, 0, null), (old, fresh) -> old.with(f));
          flowExpiry.add(f.key(), Times.nanos(f.expiresAt()));
        }
        for (SlotCommit.FlowCompletion c : commit.completions()) {
          if (complete(c.key(), c.claimant(), c.outcome())) {
            settled.add(c.key());
          }
        }
        if (next.length == 0) {
          users.remove(userId);
        } else if (next != current) {
          users.put(userId, compact(next));
        }
      }
    } finally {
      locks.computeIfPresent(userId, (u, held) -> held.leave());
    }
    for (ConnectionEvent event : commit.events()) {
      deliver(l -> l.accountChanged(event));
    }
    for (String key : settled) {
      deliver(l -> l.flowSettled(key));
    }
    return true;
  }

  /** Same records, same order, by identity: records are replaced on every change. */
  private static boolean sameRecords(List<StoredAccount> now, List<StoredAccount> read) {
    if (now.size() != read.size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i) != read.get(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Optional<StoredAccount> account(String accountId) {
    return Optional.ofNullable(accounts.get(accountId));
  }

  @Override
  public List<StoredAccount> accountsOf(String userId) {
    List<StoredAccount> out = new ArrayList<>(select(users.get(userId), null));
    out.sort(Comparator.comparing(StoredAccount::createdAt));
    return out;
  }

  @Override
  public List<StoredAccount> allAccounts() {
    List<StoredAccount> out = new ArrayList<>(accounts.values());
    out.sort(Comparator.comparing(StoredAccount::createdAt));
    return out;
  }

  @Override
  public List<StoredAccount> linksExpiredBy(Instant at, int limit) {
    List<StoredAccount> due = new ArrayList<>();
    pendingLinks.sweep(Times.nanos(at), limit, id -> {
      StoredAccount a = accounts.get(id);
      if (a == null || a.status() != ConnectionStatus.INITIATED || a.link().isEmpty()) {
        return ExpiryQueue.State.GONE;
      }
      return a.linkExpiredAt(at) ? ExpiryQueue.State.DUE : ExpiryQueue.State.LATER;
    }, id -> due.add(accounts.get(id)));
    due.removeIf(java.util.Objects::isNull);
    return due;
  }

  @Override
  public List<StoredAccount> refreshDueBy(Instant at, int limit) {
    List<StoredAccount> due = new ArrayList<>();
    for (StoredAccount a : accounts.values()) {
      if (due.size() >= limit) {
        break;
      }
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
    FlowEntry e = flows.get(key);
    return e == null ? Optional.empty() : Optional.of(e.flow);
  }

  @Override
  public Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    FlowEntry e = flows.computeIfPresent(key, (k, old) -> old.flow.link().isPresent() ? old
        : old.with(old.flow.withLink(link)));
    return e == null ? Optional.empty() : e.flow.link();
  }

  @Override
  public FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil) {
    long nowNanos = Times.nanos(now);
    FlowClaim[] answer = {FlowClaim.unknown()};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null) {
        answer[0] = FlowClaim.done(e.outcome);
        return e;
      }
      if (e.claimant != null && !e.claimant.equals(claimant) && e.leaseUntil > nowNanos) {
        answer[0] = FlowClaim.busy(Times.instant(e.leaseUntil));
        return e;
      }
      answer[0] = FlowClaim.claimed();
      return new FlowEntry(e.flow, claimant, Times.nanos(leaseUntil), null);
    });
    return answer[0];
  }

  @Override
  public boolean completeFlow(String key, String claimant, CallbackResult outcome) {
    boolean done = complete(key, claimant, outcome);
    if (done) {
      deliver(l -> l.flowSettled(key));
    }
    return done;
  }

  /** Records the outcome if {@code claimant} holds the claim; announces nothing. */
  private boolean complete(String key, String claimant, CallbackResult outcome) {
    boolean[] done = {false};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null || !claimant.equals(e.claimant)) {
        return e;
      }
      done[0] = true;
      return new FlowEntry(e.flow, claimant, e.leaseUntil, outcome);
    });
    return done[0];
  }

  @Override
  public void releaseFlow(String key, String claimant) {
    boolean[] released = {false};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null || !claimant.equals(e.claimant)) {
        return e;
      }
      released[0] = true;
      return new FlowEntry(e.flow, null, 0, null);
    });
    if (released[0]) {
      deliver(l -> l.flowSettled(key));
    }
  }

  @Override
  public int removeFlowsExpiredBy(Instant at, int limit) {
    List<String> due = new ArrayList<>();
    flowExpiry.sweep(Times.nanos(at), limit, key -> {
      FlowEntry e = flows.get(key);
      if (e == null) {
        return ExpiryQueue.State.GONE;
      }
      return e.flow.expiresAt().isAfter(at) ? ExpiryQueue.State.LATER : ExpiryQueue.State.DUE;
    }, due::add);
    int removed = 0;
    for (String key : due) {
      // Count only what this call removed: a concurrent sweep (another engine's maintenance) may have
      // listed the same key and removed it first.
      boolean[] mine = {false};
      flows.computeIfPresent(key, (k, e) -> {
        if (e.flow.expiresAt().isAfter(at)) {
          return e;
        }
        mine[0] = true;
        return null;
      });
      if (mine[0]) {
        removed++;
        deliver(l -> l.flowSettled(key)); // a callback waiting on its claim stops waiting
      }
    }
    return removed;
  }

  /** A flow and its claim: who holds it until when, and the outcome once completed. Immutable. */
  private static final class FlowEntry {
    final StoredFlow flow;
    final String claimant;
    final long leaseUntil;
    final CallbackResult outcome;

    FlowEntry(StoredFlow flow, String claimant, long leaseUntil, CallbackResult outcome) {
      this.flow = flow;
      this.claimant = claimant;
      this.leaseUntil = leaseUntil;
      this.outcome = outcome;
    }

    FlowEntry with(StoredFlow newFlow) {
      return new FlowEntry(newFlow, claimant, leaseUntil, outcome);
    }
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

  // ---------------------------------------------------------------- per-user records

  /** A user's lock and how many callers hold or wait for it; counted only inside the map's compute. */
  private static final class UserLock {
    private int users;

    UserLock join() {
      users++;
      return this;
    }

    /** Null, removing the lock, when the last caller leaves. */
    UserLock leave() {
      return --users == 0 ? null : this;
    }
  }

  /** The records of {@code toolkit} (all when null), oldest first; an immutable list. */
  private static List<StoredAccount> select(Object records, String toolkit) {
    if (records == null) {
      return List.of();
    }
    if (records instanceof StoredAccount) {
      StoredAccount r = (StoredAccount) records;
      return toolkit == null || sameToolkit(r, toolkit) ? List.of(r) : List.of();
    }
    Several several = (Several) records;
    if (toolkit == null) {
      return List.of(several.all);
    }
    if (several.byToolkit != null) {
      return several.byToolkit.getOrDefault(toolkit, List.of());
    }
    List<StoredAccount> out = null;
    for (StoredAccount r : several.all) {
      if (sameToolkit(r, toolkit)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(r);
      }
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  /** Compares the (cached) hashes first: most records of a many-toolkit user are other toolkits. */
  private static boolean sameToolkit(StoredAccount r, String toolkit) {
    String t = r.toolkit();
    return t == toolkit || (t.hashCode() == toolkit.hashCode() && t.equals(toolkit));
  }

  private static StoredAccount[] array(Object records) {
    return records == null ? NONE
        : records instanceof StoredAccount ? new StoredAccount[] {(StoredAccount) records} : ((Several) records).all;
  }

  /**
   * Replaces the record with the same id in place, or inserts a new one after every record created
   * no later: oldest first even when engines with skewed clocks commit out of creation order (the
   * common case, a newest record, appends).
   */
  private static StoredAccount[] with(StoredAccount[] current, StoredAccount record) {
    for (int i = 0; i < current.length; i++) {
      if (current[i].id().equals(record.id())) {
        StoredAccount[] next = current.clone();
        next[i] = record;
        return next;
      }
    }
    int at = current.length;
    while (at > 0 && current[at - 1].createdAtNanos() > record.createdAtNanos()) {
      at--;
    }
    StoredAccount[] next = new StoredAccount[current.length + 1];
    System.arraycopy(current, 0, next, 0, at);
    next[at] = record;
    System.arraycopy(current, at, next, at + 1, current.length - at);
    return next;
  }

  private static StoredAccount[] without(StoredAccount[] current, String id, String toolkit) {
    for (int i = 0; i < current.length; i++) {
      if (current[i].id().equals(id) && sameToolkit(current[i], toolkit)) {
        StoredAccount[] next = new StoredAccount[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        return next;
      }
    }
    return current;
  }

  /** The map value for a user's records: the record itself, or {@link Several}. */
  private static Object compact(StoredAccount[] records) {
    return records.length == 1 ? records[0] : new Several(records);
  }

  /**
   * Two or more records of one user, oldest first. Past {@value #INDEX_FROM} of them they are also
   * indexed by toolkit, so asking about N toolkits costs N lookups rather than N scans. Immutable.
   */
  private static final class Several {
    static final int INDEX_FROM = 5;
    final StoredAccount[] all;
    /** toolkit → its records, oldest first; null below {@link #INDEX_FROM}. */
    final Map<String, List<StoredAccount>> byToolkit;

    Several(StoredAccount[] all) {
      this.all = all;
      if (all.length < INDEX_FROM) {
        this.byToolkit = null;
        return;
      }
      Map<String, List<StoredAccount>> grouped = new HashMap<>();
      for (StoredAccount r : all) {
        grouped.computeIfAbsent(r.toolkit(), t -> new ArrayList<>(1)).add(r);
      }
      grouped.replaceAll((t, rs) -> List.copyOf(rs));
      this.byToolkit = Map.copyOf(grouped);
    }
  }
}

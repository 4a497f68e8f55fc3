package dev.tether.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The in-memory {@link EngineStore}: Caffeine caches for sessions (idle expiry) and pending flows
 * (link TTL), a concurrent map of accounts by id and one of each user's accounts; a per-user lock,
 * which exists only while in use, guards all changes to a user's accounts. Thread-safe.
 */
final class InMemoryStore implements EngineStore {
  private final Cache<String, SessionEntry> sessions;
  private final Ticker ticker;
  private final long sessionIdleNanos;
  /** How often a session's use is reported to its cache (each report is shared work): 1/1000 of the timeout. */
  private final long sessionRecordNanos;
  private final Cache<String, PendingFlow> flows;
  private final ConcurrentHashMap<String, AccountRecord> accounts = new ConcurrentHashMap<>();
  /**
   * Each user's accounts, all toolkits: one {@link AccountRecord} (the common case: no array) or
   * {@link Several}. Replaced whole on every change, so a
   * lock-free reader sees a consistent snapshot; a user with no account has no entry.
   */
  private final ConcurrentHashMap<String, Object> users = new ConcurrentHashMap<>();
  /** Users' locks, present only while someone holds or waits for one: nothing is kept at rest. */
  private final ConcurrentHashMap<String, UserLock> locks = new ConcurrentHashMap<>();
  private static final AccountRecord[] NONE = new AccountRecord[0];

  /**
   * @param ticker the engine clock as nanoseconds, so tests advance expiry by moving the clock
   * @param onFlowExpired told of each flow whose TTL passed; must not block or take engine locks
   */
  InMemoryStore(Ticker ticker, Duration sessionIdleTimeout, Duration linkTtl, Consumer<PendingFlow> onFlowExpired) {
    this.ticker = ticker;
    this.sessionIdleNanos = sessionIdleTimeout.toNanos();
    this.sessionRecordNanos = sessionIdleNanos / 1000;
    // The cache only bounds memory: it keeps a session at least one report interval past its
    // idle timeout; session() decides expiry exactly from the session's own last use.
    this.sessions = Caffeine.newBuilder()
        .ticker(ticker)
        .expireAfterAccess(sessionIdleTimeout.plusNanos(sessionRecordNanos))
        .executor(Runnable::run)
        .build();
    this.flows = Caffeine.newBuilder()
        .ticker(ticker)
        .expireAfterWrite(linkTtl)
        .executor(Runnable::run)
        .<String, PendingFlow>removalListener((key, flow, cause) -> {
          if (cause == RemovalCause.EXPIRED && flow != null) {
            onFlowExpired.accept(flow);
          }
        })
        .build();
  }

  @Override
  public void putSession(SessionRecord session) {
    sessions.put(session.id(), new SessionEntry(session, ticker.read()));
  }

  @Override
  public Optional<SessionRecord> session(String id) {
    // Read quietly: recording every read in the cache's access order is work shared by all
    // threads; the entry keeps its own last use and reports it once per report interval.
    SessionEntry entry = sessions.policy().getIfPresentQuietly(id);
    if (entry == null) {
      return Optional.empty();
    }
    long now = ticker.read();
    if (now - entry.lastUsed >= sessionIdleNanos) {
      return Optional.empty();
    }
    if (now > entry.lastUsed) {
      entry.lastUsed = now;
    }
    if (now - entry.lastReported >= sessionRecordNanos) {
      entry.lastReported = now;
      sessions.getIfPresent(id);
    }
    return Optional.of(entry.record);
  }

  @Override
  public Optional<AccountRecord> account(String id) {
    return Optional.ofNullable(accounts.get(id));
  }

  @Override
  public <T> T withSlot(String userId, String toolkit, boolean create, Function<Slot, T> action) {
    if (!create && !users.containsKey(userId)) {
      return action.apply(EmptySlot.INSTANCE);
    }
    UserLock lock = locks.compute(userId, (u, held) -> (held == null ? new UserLock() : held).join());
    try {
      synchronized (lock) {
        return action.apply(new SlotView(userId, toolkit));
      }
    } finally {
      locks.computeIfPresent(userId, (u, held) -> held.leave());
    }
  }

  @Override
  public List<AccountRecord> snapshot(String userId, String toolkit) {
    return select(users.get(userId), toolkit);
  }

  @Override
  public List<AccountRecord> accountsOf(String userId) {
    List<AccountRecord> out = new ArrayList<>(select(users.get(userId), null));
    out.sort(Comparator.comparingLong(AccountRecord::createdAtNanos));
    return out;
  }

  @Override
  public List<AccountRecord> allAccounts() {
    List<AccountRecord> out = new ArrayList<>(accounts.values());
    out.sort(Comparator.comparingLong(AccountRecord::createdAtNanos));
    return out;
  }

  @Override
  public void putFlow(PendingFlow flow) {
    flows.put(flow.key(), flow);
  }

  @Override
  public Optional<PendingFlow> flow(String key) {
    return Optional.ofNullable(flows.getIfPresent(key));
  }

  @Override
  public void cleanUp() {
    sessions.cleanUp();
    flows.cleanUp();
  }

  /**
   * A session and when it was last used. The times are written racily (a concurrent use may write
   * a time a few microseconds older); that can only bring an idle expiry forward by as much.
   */
  private static final class SessionEntry {
    final SessionRecord record;
    volatile long lastUsed;
    volatile long lastReported;

    SessionEntry(SessionRecord record, long now) {
      this.record = record;
      this.lastUsed = now;
      this.lastReported = now;
    }
  }

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

  /** The records of {@code toolkit} (all when null), oldest first. */
  private static List<AccountRecord> select(Object records, String toolkit) {
    if (records == null) {
      return List.of();
    }
    if (records instanceof AccountRecord) {
      AccountRecord r = (AccountRecord) records;
      return toolkit == null || sameToolkit(r, toolkit) ? List.of(r) : List.of();
    }
    Several several = (Several) records;
    if (toolkit == null) {
      return Arrays.asList(several.all);
    }
    if (several.byToolkit != null) {
      return several.byToolkit.getOrDefault(toolkit, List.of());
    }
    List<AccountRecord> out = null;
    for (AccountRecord r : several.all) {
      if (sameToolkit(r, toolkit)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(r);
      }
    }
    return out == null ? List.of() : out;
  }

  /** Compares the (cached) hashes first: most records of a many-toolkit user are other toolkits. */
  private static boolean sameToolkit(AccountRecord r, String toolkit) {
    String t = r.toolkit();
    return t == toolkit || (t.hashCode() == toolkit.hashCode() && t.equals(toolkit));
  }

  private static AccountRecord[] array(Object records) {
    return records == null ? NONE
        : records instanceof AccountRecord ? new AccountRecord[] {(AccountRecord) records} : ((Several) records).all;
  }

  /** The map value for a user's records: nothing, the record itself, or {@link Several}. */
  private static Object compact(AccountRecord[] records) {
    return records.length == 0 ? null : records.length == 1 ? records[0] : new Several(records);
  }

  /**
   * Two or more records of one user, oldest first. Past {@value #INDEX_FROM} of them they are also
   * indexed by toolkit, so asking about N toolkits costs N lookups rather than N scans. Immutable.
   */
  private static final class Several {
    static final int INDEX_FROM = 5;
    final AccountRecord[] all;
    /** toolkit → its records, oldest first; null below {@link #INDEX_FROM}. */
    final Map<String, List<AccountRecord>> byToolkit;

    Several(AccountRecord[] all) {
      this.all = all;
      if (all.length < INDEX_FROM) {
        this.byToolkit = null;
        return;
      }
      Map<String, List<AccountRecord>> grouped = new HashMap<>();
      for (AccountRecord r : all) {
        grouped.computeIfAbsent(r.toolkit(), t -> new ArrayList<>(1)).add(r);
      }
      grouped.replaceAll((t, rs) -> List.copyOf(rs));
      this.byToolkit = Map.copyOf(grouped);
    }
  }

  /** One (user, toolkit) pair's view of the user's accounts; used only under the user's lock. */
  private final class SlotView implements Slot {
    private final String userId;
    private final String toolkit;

    SlotView(String userId, String toolkit) {
      this.userId = userId;
      this.toolkit = toolkit;
    }

    @Override
    public List<AccountRecord> accounts() {
      return select(users.get(userId), toolkit);
    }

    @Override
    public void put(AccountRecord record) {
      if (!sameToolkit(record, toolkit) || !record.userId().equals(userId)) {
        throw new IllegalArgumentException(record + " does not belong to the slot of '" + toolkit + "'");
      }
      AccountRecord[] current = array(users.get(userId));
      AccountRecord[] next = null;
      for (int i = 0; i < current.length; i++) {
        if (current[i].id().equals(record.id())) {
          next = current.clone();
          next[i] = record;
          break;
        }
      }
      if (next == null) {
        next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = record;
      }
      accounts.put(record.id(), record);
      users.put(userId, compact(next));
    }

    @Override
    public void remove(String accountId) {
      AccountRecord[] current = array(users.get(userId));
      for (int i = 0; i < current.length; i++) {
        if (current[i].id().equals(accountId) && sameToolkit(current[i], toolkit)) {
          AccountRecord[] next = new AccountRecord[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, current.length - i - 1);
          if (next.length == 0) {
            users.remove(userId);
          } else {
            users.put(userId, compact(next));
          }
          accounts.remove(accountId);
          return;
        }
      }
    }
  }

  private enum EmptySlot implements Slot {
    INSTANCE;

    @Override
    public List<AccountRecord> accounts() {
      return List.of();
    }

    @Override
    public void put(AccountRecord record) {
      throw new IllegalStateException("read-only slot");
    }

    @Override
    public void remove(String accountId) {
      throw new IllegalStateException("read-only slot");
    }
  }
}

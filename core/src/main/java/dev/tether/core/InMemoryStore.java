package dev.tether.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The in-memory {@link EngineStore}: Caffeine caches for sessions (idle expiry) and pending flows
 * (link TTL), concurrent maps for accounts, a monitor per (user, toolkit) slot. Thread-safe.
 */
final class InMemoryStore implements EngineStore {
  private final Cache<String, SessionRecord> sessions;
  private final Cache<String, PendingFlow> flows;
  private final ConcurrentHashMap<String, AccountRecord> accounts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, SlotImpl>> slots = new ConcurrentHashMap<>();
  private static final AccountRecord[] NONE = new AccountRecord[0];

  /**
   * @param ticker the engine clock as nanoseconds, so tests advance expiry by moving the clock
   * @param onFlowExpired told of each flow whose TTL passed; must not block or take engine locks
   */
  InMemoryStore(Ticker ticker, Duration sessionIdleTimeout, Duration linkTtl, Consumer<PendingFlow> onFlowExpired) {
    this.sessions = Caffeine.newBuilder()
        .ticker(ticker)
        .expireAfterAccess(sessionIdleTimeout)
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
    sessions.put(session.id(), session);
  }

  @Override
  public Optional<SessionRecord> session(String id) {
    return Optional.ofNullable(sessions.getIfPresent(id));
  }

  @Override
  public Optional<AccountRecord> account(String id) {
    return Optional.ofNullable(accounts.get(id));
  }

  @Override
  public <T> T withSlot(String userId, String toolkit, boolean create, Function<Slot, T> action) {
    SlotImpl slot;
    if (create) {
      slot = slots.computeIfAbsent(userId, u -> new ConcurrentHashMap<>())
          .computeIfAbsent(toolkit, t -> new SlotImpl());
    } else {
      Map<String, SlotImpl> byToolkit = slots.get(userId);
      slot = byToolkit == null ? null : byToolkit.get(toolkit);
      if (slot == null) {
        return action.apply(EmptySlot.INSTANCE);
      }
    }
    synchronized (slot) {
      return action.apply(slot);
    }
  }

  @Override
  public List<AccountRecord> snapshot(String userId, String toolkit) {
    Map<String, SlotImpl> byToolkit = slots.get(userId);
    SlotImpl slot = byToolkit == null ? null : byToolkit.get(toolkit);
    return slot == null ? List.of() : slot.accounts();
  }

  @Override
  public List<AccountRecord> accountsOf(String userId) {
    Map<String, SlotImpl> byToolkit = slots.get(userId);
    if (byToolkit == null) {
      return List.of();
    }
    List<AccountRecord> out = new ArrayList<>();
    for (SlotImpl slot : byToolkit.values()) {
      synchronized (slot) {
        out.addAll(slot.accounts());
      }
    }
    out.sort(Comparator.comparing(AccountRecord::createdAt));
    return out;
  }

  @Override
  public List<AccountRecord> allAccounts() {
    List<AccountRecord> out = new ArrayList<>(accounts.values());
    out.sort(Comparator.comparing(AccountRecord::createdAt));
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
   * Changed under its own monitor; read without it through {@link #records}, an immutable array
   * replaced whole on every change (so a reader sees a consistent snapshot).
   */
  private final class SlotImpl implements Slot {
    private volatile AccountRecord[] records = NONE;

    @Override
    public List<AccountRecord> accounts() {
      return Arrays.asList(records);
    }

    @Override
    public void put(AccountRecord record) {
      AccountRecord[] current = records;
      for (int i = 0; i < current.length; i++) {
        if (current[i].id().equals(record.id())) {
          AccountRecord[] next = current.clone();
          next[i] = record;
          InMemoryStore.this.accounts.put(record.id(), record);
          records = next;
          return;
        }
      }
      AccountRecord[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = record;
      InMemoryStore.this.accounts.put(record.id(), record);
      records = next;
    }

    @Override
    public void remove(String accountId) {
      AccountRecord[] current = records;
      for (int i = 0; i < current.length; i++) {
        if (current[i].id().equals(accountId)) {
          AccountRecord[] next = new AccountRecord[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, current.length - i - 1);
          records = next;
          InMemoryStore.this.accounts.remove(accountId);
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

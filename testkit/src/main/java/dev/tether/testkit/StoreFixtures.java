package dev.tether.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoreListener;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Values, a recording listener and a thread race for {@link ConnectionStoreContract}. Times are
 * whole microseconds, so a store whose timestamps keep microseconds (most databases) passes.
 */
final class StoreFixtures {
  /** Every wait on another thread or on the change feed gives up after this. */
  static final Duration BUDGET = Duration.ofSeconds(10);
  /** The contract's "now": a time with a fraction of a second, to catch truncation. */
  static final Instant T0 = Instant.parse("2026-03-01T09:30:00.123456Z");
  static final URI REDIRECT_URI = URI.create("https://app.example/oauth/callback");

  private StoreFixtures() {}

  static Instant at(Duration sinceT0) {
    return T0.plus(sinceT0);
  }

  /** An INITIATED account with a pending link expiring at {@code linkExpiresAt}. */
  static StoredAccount pending(String id, String user, String toolkit, Instant createdAt, Instant linkExpiresAt) {
    return StoredAccount.builder(id, user, toolkit, ConnectionStatus.INITIATED, createdAt)
        .link("ln_" + id, linkExpiresAt, "https://auth.example/" + toolkit + "/authorize?state=s-" + id).build();
  }

  /** An ACTIVE account whose OAuth 2.0 access token expires at {@code tokenExpiresAt} (null: never). */
  static StoredAccount active(String id, String user, String toolkit, Instant createdAt, Instant tokenExpiresAt) {
    return StoredAccount.builder(id, user, toolkit, ConnectionStatus.ACTIVE, createdAt)
        .connectedAt(createdAt).credentials(oauth2(id, tokenExpiresAt)).build();
  }

  /** Credentials with every part: access, refresh, expiry, scopes, attributes and named secrets. */
  static Credentials oauth2(String id, Instant expiresAt) {
    return Credentials.builder(AuthScheme.OAUTH2).accessToken("at-" + id).refreshToken("rt-" + id)
        .expiresAt(expiresAt).scopes(List.of("mail.read", "mail.send")).attribute("token_type", "Bearer")
        .attribute("workspace", "w-" + id).secret("id_token", "idt-" + id).secret("token_secret", "ts-" + id)
        .build();
  }

  /** A flow with every field: a link with flow state, a callback URL and a form. */
  static StoredFlow fullFlow(String key, StoredAccount account, Instant expiresAt) {
    return new StoredFlow(key, account.id(), account.userId(), account.toolkit(), Secret.of(key + ".state-secret"),
        Secret.of("verifier-" + key + "-0123456789abcdefghijklmnopqrstuvwxyz"), REDIRECT_URI,
        Optional.of(URI.create("https://app.example/done?from=" + key)),
        Optional.of(new AuthorizationLink(URI.create("https://auth.example/authorize?state=" + key),
            Map.of("subdomain", "acme", "request_token", "rq-" + key))),
        List.of(ConnectionField.plain("subdomain", "Subdomain"), ConnectionField.secret("api_key", "API key")),
        expiresAt, false);
  }

  /** A flow with no link (its form not submitted), no callback URL and no form. */
  static StoredFlow bareFlow(String key, StoredAccount account, Instant expiresAt) {
    return new StoredFlow(key, account.id(), account.userId(), account.toolkit(), Secret.of(key + ".state-secret"),
        Secret.of("verifier-" + key + "-0123456789abcdefghijklmnopqrstuvwxyz"), REDIRECT_URI, Optional.empty(),
        Optional.empty(), List.of(), expiresAt, true);
  }

  /** What the engine would announce for {@code account}. */
  static ConnectionEvent changed(StoredAccount account, ConnectionStatus from, Instant at) {
    return new ConnectionEvent(ConnectionEvent.Type.STATUS_CHANGED, account.view(), Optional.ofNullable(from),
        Optional.empty(), at);
  }

  static CallbackResult outcome(StoredFlow flow) {
    return new CallbackResult(true, Optional.of(flow.accountId()), Optional.of(ConnectionStatus.ACTIVE),
        Optional.of(URI.create("https://app.example/done?status=success&connected_account_id=" + flow.accountId())),
        Optional.empty());
  }

  /** A commit against {@code read}. */
  static SlotCommit commit(Slot read, List<StoredAccount> put, List<String> remove, List<StoredFlow> flows,
      List<ConnectionEvent> events) {
    return new SlotCommit(read, put, remove, flows, events);
  }

  /** Puts {@code accounts} (all of one pair), as the engine does, and fails when the store keeps refusing. */
  static void put(ConnectionStore store, StoredAccount... accounts) {
    commitFresh(store, accounts[0].userId(), accounts[0].toolkit(),
        read -> commit(read, List.of(accounts), List.of(), List.of(), List.of()));
  }

  /** How long a read may lag a change made through another handle (a near cache fed by the change feed). */
  static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(10);

  /**
   * Reads, decides and commits as the engine does: a store may answer {@code slot} from a near
   * cache that lags another handle's change until its feed delivers, and then refuses the commit;
   * the engine reads again. Fails when no commit applies within {@link #SETTLE}.
   */
  static void commitFresh(ConnectionStore store, String userId, String toolkit,
      java.util.function.Function<Slot, SlotCommit> change) {
    long until = System.nanoTime() + SETTLE.toNanos();
    do {
      if (store.commit(change.apply(store.slot(userId, toolkit)))) {
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    } while (System.nanoTime() < until);
    throw new AssertionError("no commit to " + userId + "/" + toolkit + " applied within " + SETTLE
        + ", reading the slot afresh each time");
  }

  /**
   * The pair's accounts once they are as {@code expected}, read through {@code store}: a store may
   * answer from a near cache that lags another handle's change until its feed delivers. Returns the
   * last read after {@link #SETTLE}, for the caller's assertion to show.
   */
  static List<StoredAccount> settled(ConnectionStore store, String userId, String toolkit,
      java.util.function.Predicate<List<StoredAccount>> expected) {
    long until = System.nanoTime() + SETTLE.toNanos();
    List<StoredAccount> read = store.slot(userId, toolkit).accounts();
    while (!expected.test(read) && System.nanoTime() < until) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      read = store.slot(userId, toolkit).accounts();
    }
    return read;
  }

  /** Compares every field a store keeps, credentials and link included. */
  static void assertSameAccount(StoredAccount expected, StoredAccount actual) {
    String id = expected.id();
    assertEquals(expected.id(), actual.id(), "id");
    assertEquals(expected.userId(), actual.userId(), id + " userId");
    assertEquals(expected.toolkit(), actual.toolkit(), id + " toolkit");
    assertEquals(expected.status(), actual.status(), id + " status");
    assertEquals(expected.statusReason(), actual.statusReason(), id + " statusReason");
    assertEquals(expected.createdAt(), actual.createdAt(), id + " createdAt");
    assertEquals(expected.updatedAt(), actual.updatedAt(), id + " updatedAt");
    assertEquals(expected.connectedAt(), actual.connectedAt(), id + " connectedAt");
    assertEquals(expected.exclusive(), actual.exclusive(), id + " exclusive");
    assertEquals(expected.link(), actual.link(), id + " link");
    assertEquals(expected.credentials(), actual.credentials(), id + " credentials");
    assertEquals(expected.credentialsExpireAt(), actual.credentialsExpireAt(), id + " credentialsExpireAt");
    assertEquals(expected.hasRefreshToken(), actual.hasRefreshToken(), id + " hasRefreshToken");
  }

  static void assertSameAccounts(List<StoredAccount> expected, List<StoredAccount> actual, String what) {
    assertEquals(ids(expected), ids(actual), what);
    for (int i = 0; i < expected.size(); i++) {
      assertSameAccount(expected.get(i), actual.get(i));
    }
  }

  static List<String> ids(List<StoredAccount> accounts) {
    List<String> out = new ArrayList<>();
    accounts.forEach(a -> out.add(a.id()));
    return out;
  }

  /**
   * Runs {@code racers} tasks released together by one gate, each on its own thread, and returns
   * their results in task order.
   */
  static <T> List<T> race(int racers, RaceTask<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      CountDownLatch ready = new CountDownLatch(racers);
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < racers; i++) {
        int index = i;
        Callable<T> call = () -> {
          ready.countDown();
          if (!gate.await(BUDGET.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the gate did not open within " + BUDGET);
          }
          return task.run(index);
        };
        futures.add(pool.submit(call));
      }
      assertTrue(ready.await(BUDGET.toMillis(), TimeUnit.MILLISECONDS), racers + " threads started");
      gate.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get(BUDGET.toMillis(), TimeUnit.MILLISECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One racer's work. */
  interface RaceTask<T> {
    T run(int index) throws Exception;
  }

  /**
   * A {@link StoreListener} that records every delivery, in order, and lets a test wait for one:
   * a store may deliver on another thread, later.
   */
  static final class Recorder implements StoreListener {
    private final List<Object> deliveries = new ArrayList<>();

    @Override
    public synchronized void accountChanged(ConnectionEvent event) {
      deliveries.add(event);
      notifyAll();
    }

    @Override
    public synchronized void flowSettled(String flowKey) {
      deliveries.add(new Settled(flowKey));
      notifyAll();
    }

    synchronized List<Object> deliveries() {
      return List.copyOf(deliveries);
    }

    synchronized List<ConnectionEvent> events() {
      List<ConnectionEvent> out = new ArrayList<>();
      for (Object d : deliveries) {
        if (d instanceof ConnectionEvent) {
          out.add((ConnectionEvent) d);
        }
      }
      return out;
    }

    /** Waits until a delivery matches, within the budget. */
    synchronized void await(Predicate<Object> delivery, String what) throws InterruptedException {
      long deadline = System.nanoTime() + BUDGET.toNanos();
      while (deliveries.stream().noneMatch(delivery)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(what + " was not delivered within " + BUDGET + "; deliveries: " + deliveries);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    void awaitEvent(ConnectionEvent event) throws InterruptedException {
      await(event::equals, "event " + event);
    }

    void awaitSettled(String flowKey) throws InterruptedException {
      await(new Settled(flowKey)::equals, "flowSettled(" + flowKey + ")");
    }
  }

  /** A {@code flowSettled} delivery. */
  record Settled(String flowKey) {}
}

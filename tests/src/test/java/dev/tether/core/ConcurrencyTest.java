package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The engine under many threads at once: nothing lost, each state exchanged once. */
class ConcurrencyTest {
  private static final int THREADS = 16;
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private final TestClock clock = TestClock.standing();

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Runs every task at once behind a start gate and returns their results in order. */
  private <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(pool.submit(() -> {
        gate.await();
        return task.call();
      }));
    }
    gate.countDown();
    List<T> out = new ArrayList<>();
    for (Future<T> f : futures) {
      out.add(f.get(60, TimeUnit.SECONDS));
    }
    return out;
  }

  @RepeatedTest(20)
  void concurrentManage_sameUserAndToolkit_createsOnePendingLink() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    Session session = tether.createSession("alice");
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(() -> session.manageConnections(List.of("gmail", "github"), false)
          .results().get("gmail").connectedAccountId().orElseThrow());
    }
    List<String> ids = race(calls);
    assertThat(new HashSet<>(ids)).hasSize(1);
    assertThat(tether.accounts(AccountQuery.all().withToolkit("gmail"))).hasSize(1);
    assertThat(tether.accounts(AccountQuery.all())).hasSize(2);
    assertThat(provider.authorizeCount()).isEqualTo(2);
  }

  @RepeatedTest(20)
  void concurrentCallbacks_sameState_exchangeOnce_sameOutcome() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "c");
    List<Callable<CallbackResult>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(() -> tether.handleCallback(params));
    }
    List<CallbackResult> results = race(calls);
    assertThat(provider.exchangeCount()).isEqualTo(1);
    assertThat(new HashSet<>(results)).hasSize(1);
    assertThat(results.get(0).successful()).isTrue();
  }

  @RepeatedTest(10)
  void manyFlows_completingReplayingAndExpiringAtOnce_eachEndsOnce_nothingLost() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Map<String, List<ConnectionStatus>> history = new ConcurrentHashMap<>();
    Tether tether = TestEngines.builder(provider, clock)
        .listener(e -> history.computeIfAbsent(e.accountId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
            .add(e.status()))
        .build();
    Map<String, AtomicInteger> exchangesPerCode = new ConcurrentHashMap<>();
    provider.onExchange(req -> {
      exchangesPerCode.computeIfAbsent(req.parameter("code").orElseThrow(), k -> new AtomicInteger()).incrementAndGet();
      return TestEngines.tokenFor(req);
    });
    int flows = 60;
    List<ConnectionRequest> requests = new ArrayList<>();
    for (int i = 0; i < flows; i++) {
      requests.add(tether.createSession("user_" + i).authorize(i % 2 == 0 ? "gmail" : "github"));
    }
    clock.advance(Duration.ofMinutes(9));

    Map<String, CallbackResult> firstResult = new ConcurrentHashMap<>();
    List<Callable<Void>> tasks = new ArrayList<>();
    for (ConnectionRequest r : requests) {
      Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "code-" + r.id());
      for (int copy = 0; copy < 2; copy++) { // the user and a double-submitting browser
        tasks.add(() -> {
          CallbackResult result = tether.handleCallback(params);
          if (result.connectedAccountId().isPresent()) {
            firstResult.merge(r.id(), result, (a, b) -> {
              assertThat(b).as("replays get the first outcome").isEqualTo(a);
              return a;
            });
          }
          return null;
        });
      }
    }
    tasks.add(() -> { // the clock crosses the link TTL while callbacks are in flight
      clock.advance(Duration.ofMinutes(1));
      tether.cleanUp();
      return null;
    });
    java.util.Collections.shuffle(tasks, new java.util.Random(42));
    race(tasks);
    tether.cleanUp();

    for (ConnectionRequest r : requests) {
      ConnectedAccount account = tether.account(r.id()).orElseThrow();
      assertThat(account.status()).as(r.id()).isIn(ConnectionStatus.ACTIVE, ConnectionStatus.EXPIRED);
      assertThat(history.get(r.id())).as("one terminal change per account")
          .containsExactly(ConnectionStatus.INITIATED, account.status());
      AtomicInteger exchanges = exchangesPerCode.get("code-" + r.id());
      assertThat(exchanges == null ? 0 : exchanges.get()).as("each state exchanged at most once").isLessThanOrEqualTo(1);
      CallbackResult result = firstResult.get(r.id());
      if (account.status() == ConnectionStatus.ACTIVE) {
        assertThat(result.successful()).isTrue();
        assertThat(exchanges.get()).isEqualTo(1);
      } else if (result != null) {
        assertThat(result.successful()).isFalse();
      }
    }
  }

  @RepeatedTest(30)
  void concurrentRefreshes_sameAccount_refreshOnce_allGetTheNewToken() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    provider.onRefresh(req -> dev.tether.spi.Credentials.builder(dev.tether.spi.AuthScheme.OAUTH2)
        .accessToken("refreshed-" + provider.refreshCount()).refreshToken("r2")
        .expiresAt(req.now().plus(Duration.ofHours(1))).build());
    clock.advance(Duration.ofMinutes(59).plusSeconds(30));
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      calls.add(() -> tether.credentials(r.id()).accessToken().orElseThrow().reveal());
    }
    assertThat(new HashSet<>(race(calls))).containsExactly("refreshed-1");
    assertThat(provider.refreshCount()).isEqualTo(1);
  }

  @RepeatedTest(50)
  void linkExpiryRacingCompletion_yieldsExactlyOneOfTheTwo() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    List<ConnectionEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    Tether tether = TestEngines.builder(provider, clock).listener(events::add).build();
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    clock.advance(Duration.ofMinutes(9).plusSeconds(59));
    Map<String, String> params = FakeToolkitProvider.approve(r.redirectUrl(), "c");
    List<Callable<Object>> racers = List.of(
        () -> tether.handleCallback(params),
        () -> {
          clock.advance(Duration.ofSeconds(1));
          tether.cleanUp();
          return null;
        });
    CallbackResult result = (CallbackResult) race(racers).get(0);
    ConnectionStatus end = tether.account(r.id()).orElseThrow().status();

    assertThat(end).isIn(ConnectionStatus.ACTIVE, ConnectionStatus.EXPIRED);
    assertThat(result.successful()).isEqualTo(end == ConnectionStatus.ACTIVE);
    assertThat(events).filteredOn(e -> e.accountId().equals(r.id()) && e.previousStatus().isPresent())
        .as("one terminal change").singleElement().extracting(ConnectionEvent::status).isEqualTo(end);
  }

  @Test
  void concurrentSessionsAndLinks_acrossUsers_allRecorded() throws Exception {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      String user = "user_" + (i % 50);
      String toolkit = List.of("gmail", "github", "slack").get(i % 3);
      calls.add(() -> {
        Session s = tether.createSession(user);
        ConnectionRequest r = s.authorize(toolkit);
        tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
        return r.id();
      });
    }
    Set<String> ids = new HashSet<>(race(calls));
    assertThat(ids).hasSize(400);
    List<ConnectedAccount> accounts = tether.accounts(AccountQuery.all());
    assertThat(accounts).hasSize(400);
    Map<String, Long> activePerPair = accounts.stream().filter(a -> a.status() == ConnectionStatus.ACTIVE)
        .collect(Collectors.groupingBy(a -> a.userId() + "/" + a.toolkit(), Collectors.counting()));
    assertThat(activePerPair).as("single-account mode: one ACTIVE per user and toolkit").hasSize(150)
        .allSatisfy((pair, count) -> assertThat(count).isEqualTo(1L));
  }

  /**
   * A user's accounts are one map entry, dropped when it empties, and their lock exists only while
   * someone holds or waits for it: writers racing a delete that empties the entry, and callers
   * racing the lock's removal, must never lose an account.
   */
  @RepeatedTest(20)
  void connectAndDelete_sameUserAcrossToolkits_loseNoAccount() throws Exception {
    int toolkits = 8;
    ToolkitDescriptor[] descriptors = new ToolkitDescriptor[toolkits];
    for (int i = 0; i < toolkits; i++) {
      descriptors[i] = new ToolkitDescriptor("tk" + i, "Toolkit " + i, AuthScheme.OAUTH2);
    }
    Tether tether = TestEngines.builder(TestEngines.provider(descriptors), clock).build();
    Session session = tether.createSession("alice", SessionOptions.builder().multiAccount(2).build());
    List<Callable<String>> calls = new ArrayList<>();
    for (int i = 0; i < toolkits; i++) {
      String toolkit = "tk" + i;
      boolean keepLast = i % 2 == 0;
      calls.add(() -> {
        String kept = null;
        for (int round = 0; round < 100; round++) {
          ConnectionRequest r = session.authorize(toolkit);
          assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c" + round)).successful()).isTrue();
          if (keepLast && round == 99) {
            kept = r.id();
          } else {
            assertThat(tether.delete(r.id())).isTrue();
          }
        }
        return kept;
      });
    }
    Set<String> kept = race(calls).stream().filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    assertThat(kept).hasSize(toolkits / 2);
    Set<String> listed = tether.accounts(AccountQuery.all()).stream().map(ConnectedAccount::id)
        .collect(Collectors.toSet());
    assertThat(listed).isEqualTo(kept);
    for (String id : kept) {
      ConnectedAccount a = tether.account(id).orElseThrow();
      assertThat(a.status()).isEqualTo(ConnectionStatus.ACTIVE);
      assertThat(session.manageConnections(List.of(a.toolkit()), false).results().get(a.toolkit())
          .connectedAccountId()).contains(id);
    }
  }

  /**
   * Parallel meta-tool calls for one user and toolkit share one link build, but a session allowed a
   * different number of accounts is answered on its own: another session's "no room" is not its.
   * Once armed, the provider lets a build finish only when a second one has started, so the test
   * passes only if the single-account session built its own link while the full one built its.
   */
  @Test
  void sharedLinkBuild_isPerRoom_oneSessionsNoRoomIsNotAnothers() throws Exception {
    FakeToolkitProvider fake = TestEngines.standardProvider();
    AtomicReference<CountDownLatch> pairUp = new AtomicReference<>();
    ToolkitProvider pairing = new DelegatingProvider(fake) {
      @Override
      public AuthorizationLink authorize(AuthorizationRequest request) {
        CountDownLatch both = pairUp.get();
        if (both != null) {
          both.countDown();
          try {
            if (!both.await(30, TimeUnit.SECONDS)) {
              throw new IllegalStateException("no second link build started while this one ran");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return super.authorize(request);
      }
    };
    Tether tether = Tether.builder().redirectUri(TestEngines.REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(pairing).build();
    Session full = tether.createSession("alice", SessionOptions.builder().multiAccount(2).build());
    for (String code : List.of("a", "b")) { // two INACTIVE accounts: no room for a third, nothing to reuse
      ConnectionRequest r = full.authorize("gmail");
      assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), code)).successful()).isTrue();
      tether.disable(r.id());
    }
    Session single = tether.createSession("alice");
    pairUp.set(new CountDownLatch(2));

    Future<ManageConnectionsResult> fullAnswer = pool.submit(() -> full.manageConnections(List.of("gmail"), false));
    Future<ManageConnectionsResult> singleAnswer = pool.submit(() -> single.manageConnections(List.of("gmail"), false));

    ManageConnectionsResult.ToolkitResult mine = singleAnswer.get(60, TimeUnit.SECONDS).results().get("gmail");
    assertThat(mine.status()).as("the single-account session has room")
        .isEqualTo(ManageConnectionsResult.Status.INITIATED);
    // The full session is refused, or, when the other link was committed first, answered with it.
    assertThat(fullAnswer.get(60, TimeUnit.SECONDS).results().get("gmail")).satisfiesAnyOf(
        r -> assertThat(r.errorMessage()).get().asString().contains("already has 2 'gmail' accounts"),
        r -> assertThat(r.connectedAccountId()).isEqualTo(mine.connectedAccountId()));
  }
}

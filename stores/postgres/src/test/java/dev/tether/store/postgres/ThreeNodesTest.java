package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.Credentials;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three engines, each with its own {@link PostgresConnectionStore} on one database: application
 * nodes A, B and C behind a load balancer, against a real authorization server that rotates refresh
 * tokens (BEHAVIOUR.md §10).
 */
class ThreeNodesTest {
  private static final URI REDIRECT_URI = URI.create("http://127.0.0.1/oauth/callback");
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static Sandbox sandbox;

  private final PostgresFixture db = new PostgresFixture();
  private final TestClock clock = new TestClock(Instant.now());
  private final List<Tether> nodes = new ArrayList<>();

  @BeforeAll
  static void startSandbox() {
    sandbox = new Sandbox();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @BeforeEach
  void startNodes() {
    for (int i = 0; i < 3; i++) {
      nodes.add(Tether.builder().redirectUri(REDIRECT_URI).clock(clock).discoverProviders(false)
          .provider(sandbox.gmail()).store(db.store()).build());
    }
    sandbox.received();
  }

  @AfterEach
  void stop() throws Exception {
    db.close();
  }

  private Tether a() {
    return nodes.get(0);
  }

  private Tether b() {
    return nodes.get(1);
  }

  private Tether c() {
    return nodes.get(2);
  }

  @Test
  void authorizeOnA_callbackOnB_andAandCAgree() throws Exception {
    Session onA = a().createSession("alice");
    ConnectionRequest request = onA.authorize("gmail");
    CompletableFuture<ConnectedAccount> waitOnA = CompletableFuture.supplyAsync(() -> {
      ConnectedAccount account = request.waitForConnection(BUDGET);
      return account;
    });
    CountDownLatch activeOnC = new CountDownLatch(1);
    c().addListener(e -> {
      if (e.accountId().equals(request.id()) && e.status() == ConnectionStatus.ACTIVE) {
        activeOnC.countDown();
      }
    });
    Map<String, String> callback = Sandbox.approve(request.redirectUrl());

    CallbackResult result = b().handleCallback(callback);
    long completedAt = System.nanoTime();
    assertThat(result.successful()).isTrue();

    ConnectedAccount seenByA = waitOnA.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
    long wokeAt = System.nanoTime();
    assertThat(seenByA.status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(Duration.ofNanos(wokeAt - completedAt)).as("A hears of B's callback within a second")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(activeOnC.await(1, TimeUnit.SECONDS)).as("C hears of it within a second").isTrue();

    Session onC = c().session(onA.id()).orElseThrow();
    String answer = onC.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}");
    assertThat(answer).contains("\"status\":\"active\"").contains(request.id());
    assertThat(c().account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(a().credentials(request.id()).accessToken()).isEqualTo(c().credentials(request.id()).accessToken());
  }

  @Test
  void thirtyTwoCallbacksWithOneState_overThreeNodes_makeOneTokenRequest() throws Exception {
    ConnectionRequest request = a().createSession("alice").authorize("gmail");
    Map<String, String> callback = Sandbox.approve(request.redirectUrl());
    sandbox.received();

    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<CallbackResult>> results = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        Tether node = nodes.get(i % 3);
        results.add(pool.submit(() -> {
          go.await();
          return node.handleCallback(callback);
        }));
      }
      go.countDown();
      for (Future<CallbackResult> f : results) {
        CallbackResult r = f.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        assertThat(r.successful()).as("every callback gets the first outcome: %s", r).isTrue();
        assertThat(r.connectedAccountId()).contains(request.id());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Sandbox.tokenRequests(sandbox.received(), "authorization_code")).isEqualTo(1);
  }

  @Test
  void expiredToken_sixteenThreadsOnEachNode_makeOneRefresh_andEveryNodeEndsWithTheRotatedToken()
      throws Exception {
    ConnectionRequest request = a().createSession("alice").authorize("gmail");
    assertThat(b().handleCallback(Sandbox.approve(request.redirectUrl())).successful()).isTrue();
    String id = request.id();
    Credentials before = a().credentials(id);
    clock.advance(Duration.between(clock.instant(), before.expiresAt().orElseThrow().minusSeconds(30)));
    sandbox.received();

    ExecutorService pool = Executors.newFixedThreadPool(48);
    Set<String> accessTokens = new HashSet<>();
    Set<String> refreshTokens = new HashSet<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Credentials>> calls = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        Tether node = nodes.get(i % 3);
        calls.add(pool.submit(() -> {
          go.await();
          return node.credentials(id);
        }));
      }
      go.countDown();
      for (Future<Credentials> f : calls) {
        Credentials c = f.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
        accessTokens.add(c.accessToken().orElseThrow().reveal());
        refreshTokens.add(c.refreshToken().orElseThrow().reveal());
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Sandbox.tokenRequests(sandbox.received(), "refresh_token")).isEqualTo(1);
    assertThat(accessTokens).hasSize(1).doesNotContain(before.accessToken().orElseThrow().reveal());
    assertThat(refreshTokens).hasSize(1).doesNotContain(before.refreshToken().orElseThrow().reveal());
    for (Tether node : nodes) {
      assertThat(node.credentials(id).refreshToken().orElseThrow().reveal()).isEqualTo(refreshTokens.iterator().next());
    }
    assertThat(Sandbox.tokenRequests(sandbox.received(), "refresh_token")).isZero();
  }

  @Test
  void aLinkExpiry_isAnnouncedOnce_byOneNode() throws Exception {
    ConnectionRequest request = a().createSession("alice").authorize("gmail");
    List<ConnectionEvent> expiries = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch heard = new CountDownLatch(3);
    for (Tether node : nodes) {
      node.addListener(e -> {
        if (e.accountId().equals(request.id()) && e.status() == ConnectionStatus.EXPIRED) {
          expiries.add(e);
          heard.countDown();
        }
      });
    }
    clock.advance(Duration.ofMinutes(11));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<?>> sweeps = new ArrayList<>();
      for (Tether node : nodes) {
        sweeps.add(pool.submit(node::cleanUp));
      }
      for (Future<?> f : sweeps) {
        f.get(BUDGET.toSeconds(), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(heard.await(BUDGET.toSeconds(), TimeUnit.SECONDS)).as("every node hears the expiry").isTrue();
    assertThat(expiries).hasSize(3); // one announcement, heard once on each of the three nodes
    for (Tether node : nodes) {
      assertThat(node.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    }
  }
}

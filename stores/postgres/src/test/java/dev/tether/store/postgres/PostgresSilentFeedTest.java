package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The feed's connection forgotten by a NAT or firewall (no FIN, no RST: the client waits for an
 * answer that never comes). The feed must notice, count itself down (nothing cached), and let
 * waiters re-check, rather than wait for the operating system's TCP timeout.
 */
class PostgresSilentFeedTest {
  /** Heartbeat, network timeout and a re-check, with room for a loaded machine. */
  private static final long BUDGET_S = 60;
  private static final URI REDIRECT = URI.create("https://app.example.com/cb");
  private final PostgresFixture db = new PostgresFixture();
  private final TestClock clock = new TestClock(Instant.parse("2026-06-01T10:00:00Z"));
  private FaultyProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    db.close();
  }

  private Tether engine(PostgresConnectionStore store) {
    return Tether.builder().redirectUri(REDIRECT).clock(clock).discoverProviders(false)
        .provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build()).store(store).build();
  }

  @Test
  void aSilentlyDeadFeedConnection_isNoticed_andWaitersStillSettle() throws Exception {
    proxy = new FaultyProxy(db.server.port());
    PGSimpleDataSource viaProxy = new PGSimpleDataSource();
    viaProxy.setServerNames(new String[] {"127.0.0.1"});
    viaProxy.setPortNumbers(new int[] {proxy.port()});
    viaProxy.setDatabaseName("postgres");
    viaProxy.setUser("postgres");
    PostgresConnectionStore storeA = db.track(db.builder(db.pool(8)).listenerDataSource(viaProxy).build());
    Tether a = engine(storeA);
    Tether b = engine(db.store());
    PostgresConnectionStoreTest.awaitListening(storeA);
    Session sessionOnA = a.createSession("alice");
    ConnectionRequest request = sessionOnA.authorize("gmail");
    CompletableFuture<ConnectedAccount> waitOnA = request.future();

    proxy.blackholeListeners();
    // The feed's next heartbeat goes into the void (and so will any reconnection's LISTEN).
    assertThat(proxy.swallowedFromListener.await(BUDGET_S, TimeUnit.SECONDS)).isTrue();
    assertThat(b.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c1")).successful()).isTrue();

    try {
      assertThat(waitOnA.get(BUDGET_S, TimeUnit.SECONDS).status()).isEqualTo(ConnectionStatus.ACTIVE);
    } catch (TimeoutException e) {
      throw new AssertionError("A's waiter did not settle within " + BUDGET_S + " s of B's callback; A's store "
          + "says isListening()=" + storeA.isListening(), e);
    }
    assertThat(storeA.isListening()).as("the dead feed is counted down").isFalse();
    assertThat(sessionOnA.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}"))
        .as("nothing stale is cached while the feed is down").contains("\"status\":\"active\"");
  }
}

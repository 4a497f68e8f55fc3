package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The database down, lost mid-call or out of connections: clear, retryable errors, nothing
 * half-written; one connection dropped (a blip) costs nothing; a feed connection gone silent is
 * noticed.
 */
class FaultsTest {
  private static final String PASSWORD = "pw-Never-Shown-4711";
  private final PostgresFixture db = new PostgresFixture();
  private final TestClock clock = TestClock.standing();
  private FaultyProxy proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    db.close();
  }

  private PGSimpleDataSource via(int port) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    ds.setPassword(PASSWORD);
    return ds;
  }

  private Tether engine(PostgresConnectionStore store) {
    return Tether.builder().redirectUri(URI.create("https://app.example.com/cb")).clock(clock)
        .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build())
        .store(store).build();
  }

  private long rows(String table, String where) {
    return Long.parseLong(db.queryString("SELECT count(*) FROM \"" + db.schema + "\"." + table + " WHERE " + where));
  }

  @Test
  void build_withTheDatabaseDown_namesTheHost_neverThePassword() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    assertThatThrownBy(() -> db.builder(via(closedPort)).build())
        .isInstanceOfSatisfying(PostgresStoreException.class, e -> {
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).doesNotContain(PASSWORD);
          for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
          }
        });
  }

  @Test
  void aCommitLostBeforeItArrives_isRetryable_writesNothing_andTheEngineRecovers() throws Exception {
    db.store().close(); // migrated
    proxy = new FaultyProxy(db.server.port());
    PostgresConnectionStore store = db.track(db.builder(via(proxy.port())).build());
    Tether tether = engine(store);
    Session session = tether.createSession("alice");

    proxy.cutBefore("INSERT INTO \"" + db.schema + "\".tether_slot"); // the commit, not the read before it
    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOfSatisfying(PostgresStoreException.class,
        e -> assertThat(e.isRetryable()).isTrue());
    assertThat(rows("tether_account", "user_id = 'alice'")).isZero();
    assertThat(rows("tether_flow", "user_id = 'alice'")).isZero();
    assertThatThrownBy(() -> tether.account("ca_any")).isInstanceOf(PostgresStoreException.class);

    proxy.restore();
    ConnectionRequest request = session.authorize("gmail");
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    PostgresConnectionStoreTest.awaitListening(store);
  }

  @Test
  void aCommitWhoseAnswerIsLost_isAppliedWhole_andTheEngineRecovers() throws Exception {
    db.store().close();
    proxy = new FaultyProxy(db.server.port());
    PostgresConnectionStore store = db.track(db.builder(via(proxy.port())).build());
    Tether tether = engine(store);
    Session session = tether.createSession("alice");

    proxy.cutAfter("INSERT INTO \"" + db.schema + "\".tether_slot");
    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOfSatisfying(PostgresStoreException.class,
        e -> assertThat(e.isRetryable()).isTrue());
    assertThat(rows("tether_account", "user_id = 'alice'")).as("applied whole").isEqualTo(1);
    assertThat(rows("tether_flow", "user_id = 'alice'")).isEqualTo(1);

    proxy.restore();
    ConnectionRequest again = session.authorize("gmail");
    String approved = FakeToolkitProvider.stateOf(again.redirectUrl());
    assertThat(tether.handleCallback(java.util.Map.of("code", "c1", "state", approved)).successful()).isTrue();
    assertThat(again.waitForConnection(java.time.Duration.ofSeconds(10)).status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void aLostNotification_isRecoveredByTheSlowPeriodicRecheck() throws Exception {
    PostgresConnectionStore store = db.track(db.builder().resyncInterval(java.time.Duration.ofSeconds(1)).build());
    Tether tether = engine(store);
    ConnectionRequest request = tether.createSession("alice").authorize("gmail");
    java.util.concurrent.CompletableFuture<dev.tether.core.ConnectedAccount> waiting = request.future();

    // Another writer activates the account and its notification never arrives.
    db.sql("UPDATE \"" + db.schema + "\".tether_account SET status = 'ACTIVE', link_id = NULL, "
        + "link_expires_at_ns = NULL, key_id = NULL, secrets = NULL WHERE id = '" + request.id() + "'");
    assertThat(waiting.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void anExhaustedPool_isARetryableError_andPassesWhenAConnectionIsFree() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setDataSource(db.server.dataSource());
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250); // Hikari's minimum; the test exhausts the pool, so it always runs out
    HikariDataSource pool = db.track(new HikariDataSource(config));
    PostgresConnectionStore store = db.track(db.builder(pool).listenerDataSource(db.server.dataSource()).build());

    try (Connection held = pool.getConnection()) {
      assertThatThrownBy(() -> store.account("ca_x")).isInstanceOfSatisfying(PostgresStoreException.class, e -> {
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("read account ca_x");
      });
    }
    assertThat(store.account("ca_x")).isEmpty();
  }

  @Test
  void theSchema_isRefusedWhenNewerThanTheCode_orUnmigrated() {
    assertThatThrownBy(() -> db.builder().migrate(false).build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 0").hasMessageContaining("needs version 1");
    db.store().close();
    db.track(db.builder().migrate(false).build());
    db.sql("INSERT INTO \"" + db.schema + "\".tether_schema_version (version, description) VALUES (2, 'future')");
    assertThatThrownBy(() -> db.builder().build()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 2, newer than version 1");
  }

  @Test
  void nodesStartingTogether_migrateOnce() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<PostgresConnectionStore>> starts = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) {
        starts.add(pool.submit(() -> db.track(db.builder().build())));
      }
      for (java.util.concurrent.Future<PostgresConnectionStore> f : starts) {
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(db.queryString("SELECT count(*) FROM \"" + db.schema + "\".tether_schema_version")).isEqualTo("1");
  }

  @Test
  void badBuilderInput_isRefusedNamingTheProblem() {
    assertThatThrownBy(() -> PostgresConnectionStore.builder(db.server.dataSource()).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("encryptionKey");
    assertThatThrownBy(() -> PostgresConnectionStore.builder(db.server.dataSource()).encryptionKey("k", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("32 bytes");
    assertThatThrownBy(() -> PostgresConnectionStore.builder(db.server.dataSource()).schema("Bad-Name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad-Name");
    assertThatThrownBy(() -> PostgresConnectionStore.builder(db.server.dataSource()).encryptionKey("k", PostgresFixture.KEY)
        .decryptionKey("k", PostgresFixture.key(2))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'k'");
  }

  /*
   * One dropped connection, the database staying up, at the moment the engine saves what it cannot
   * get again: a rotated refresh token, or the credentials a one-time code bought. Dropped before
   * the server sees the save, or after it ran it (only its answer lost). The upstream accepts each
   * code and each refresh token once, as real ones do, so a lost save would cost the connection.
   */

  /** An engine whose store reaches the database through a proxy that can drop one connection. */
  private Tether engineThroughProxy(FakeToolkitProvider fake) throws Exception {
    db.store().close(); // migrates the schema
    proxy = new FaultyProxy(db.server.port());
    PostgresConnectionStore store = db.track(db.builder(via(proxy.port())).build());
    return Tether.builder().redirectUri(URI.create("https://app.example.com/cb")).clock(clock)
        .discoverProviders(false).provider(fake).store(store).build();
  }

  private String slotUpdate() {
    return "UPDATE \"" + db.schema + "\".tether_slot";
  }

  /** Drops the one connection before the server sees the save, or after it ran it (the answer lost). */
  private void dropTheSave(boolean afterItRan) {
    if (afterItRan) {
      proxy.blipAfter(slotUpdate());
    } else {
      proxy.blipBefore(slotUpdate());
    }
  }

  @ParameterizedTest(name = "dropped after it ran: {0}")
  @ValueSource(booleans = {false, true})
  void aRotatedRefreshToken_survivesOneDroppedSave(boolean afterItRan) throws Exception {
    FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build();
    AtomicReference<String> upstream = new AtomicReference<>();
    AtomicInteger issued = new AtomicInteger();
    fake.onExchange(r -> {
      upstream.set("rt-0");
      return Credentials.builder(AuthScheme.OAUTH2).accessToken("at-0").refreshToken("rt-0")
          .expiresAt(r.now().plus(Duration.ofHours(1))).build();
    });
    fake.onRefresh(r -> {
      synchronized (upstream) {
        if (!r.credentials().refreshToken().orElseThrow().reveal().equals(upstream.get())) {
          throw ProviderException.definitive("invalid_grant", "refresh token already rotated");
        }
        int i = issued.incrementAndGet();
        upstream.set("rt-" + i);
        return r.credentials().toBuilder().accessToken("at-" + i).refreshToken("rt-" + i)
            .expiresAt(r.now().plus(Duration.ofHours(1))).build();
      }
    });
    Tether tether = engineThroughProxy(fake);
    ConnectionRequest request = tether.createSession("alice").authorize("gmail");
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c1")).successful()).isTrue();
    clock.advance(Duration.ofMinutes(59).plusSeconds(30)); // inside the 60 s skew: due

    dropTheSave(afterItRan);
    Credentials first = tether.credentials(request.id());

    assertThat(proxy.blips()).as("the save was dropped").isEqualTo(1);
    assertThat(first.accessToken()).contains(Secret.of("at-1"));
    clock.advance(Duration.ofHours(1));
    Credentials next = tether.credentials(request.id());
    assertThat(next.accessToken()).as("refreshed with the rotated token").contains(Secret.of("at-2"));
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @ParameterizedTest(name = "dropped after it ran: {0}")
  @ValueSource(booleans = {false, true})
  void aCallback_whoseActivationSaveIsDropped_connects(boolean afterItRan) throws Exception {
    FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build();
    Set<String> spent = ConcurrentHashMap.newKeySet();
    fake.onExchange(r -> {
      String code = r.parameter("code").orElseThrow();
      if (!spent.add(code)) {
        throw ProviderException.definitive("invalid_grant", "authorization code already used");
      }
      return Credentials.builder(AuthScheme.OAUTH2).accessToken("at-" + code).refreshToken("rt-" + code)
          .expiresAt(r.now().plus(Duration.ofHours(1))).build();
    });
    Tether tether = engineThroughProxy(fake);
    ConnectionRequest request = tether.createSession("alice").authorize("gmail");

    dropTheSave(afterItRan);
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c1"));

    assertThat(proxy.blips()).as("the save was dropped").isEqualTo(1);
    assertThat(result.successful()).isTrue();
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(spent).containsExactly("c1");
  }

  /** Heartbeat, network timeout and a re-check, with room for a loaded machine. */
  private static final long FEED_BUDGET_S = 60;

  /**
   * The feed's connection forgotten by a NAT or firewall (no FIN, no RST: the client waits for an
   * answer that never comes). The feed must notice, count itself down (nothing cached), and let
   * waiters re-check, rather than wait for the operating system's TCP timeout.
   */
  @Test
  void aSilentlyDeadFeedConnection_isNoticed_andWaitersStillSettle() throws Exception {
    proxy = new FaultyProxy(db.server.port());
    PostgresConnectionStore storeA = db.track(db.builder(db.pool(8)).listenerDataSource(via(proxy.port())).build());
    Tether a = engine(storeA);
    Tether b = engine(db.store());
    PostgresConnectionStoreTest.awaitListening(storeA);
    Session sessionOnA = a.createSession("alice");
    ConnectionRequest request = sessionOnA.authorize("gmail");
    CompletableFuture<ConnectedAccount> waitOnA = request.future();

    proxy.blackholeListeners();
    // The feed's next heartbeat goes into the void (and so will any reconnection's LISTEN).
    assertThat(proxy.swallowedFromListener.await(FEED_BUDGET_S, TimeUnit.SECONDS)).isTrue();
    assertThat(b.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c1")).successful()).isTrue();

    try {
      assertThat(waitOnA.get(FEED_BUDGET_S, TimeUnit.SECONDS).status()).isEqualTo(ConnectionStatus.ACTIVE);
    } catch (TimeoutException e) {
      throw new AssertionError("A's waiter did not settle within " + FEED_BUDGET_S + " s of B's callback; A's store "
          + "says isListening()=" + storeA.isListening(), e);
    }
    assertThat(storeA.isListening()).as("the dead feed is counted down").isFalse();
    assertThat(sessionOnA.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}"))
        .as("nothing stale is cached while the feed is down").contains("\"status\":\"active\"");
  }
}

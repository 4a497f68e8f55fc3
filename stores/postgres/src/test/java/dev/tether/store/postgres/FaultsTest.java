package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The database down, lost mid-call or out of connections: clear, retryable errors, nothing half-written. */
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
}

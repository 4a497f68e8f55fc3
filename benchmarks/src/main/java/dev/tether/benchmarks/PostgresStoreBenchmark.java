package dev.tether.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.store.postgres.EmbeddedPostgresServer;
import dev.tether.store.postgres.PostgresConnectionStore;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.client.JdbcOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Tether on the PostgreSQL store beside the in-memory engine and Spring Security's {@code
 * JdbcOAuth2AuthorizedClientService}, on one embedded PostgreSQL started here (each JMH fork starts
 * its own): the 10-toolkit connection check on a warm node (Spring: ten {@code
 * loadAuthorizedClient}), link creation, and link creation plus callback completion (Spring: the
 * {@code saveAuthorizedClient} a callback ends with). Run on demand:
 * {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main PostgresStoreBenchmark -t 1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostgresStoreBenchmark {
  static final int TOOLKITS = 10;
  static final int USERS = 8;
  static final int LINK_USERS = 1024;

  static HikariDataSource pool(EmbeddedPostgresServer server, String schema) {
    HikariConfig config = new HikariConfig();
    config.setDataSource(server.dataSource());
    config.setMaximumPoolSize(8);
    if (schema != null) {
      config.setSchema(schema); // set once per connection, as a host would configure it
    }
    return new HikariDataSource(config);
  }

  static String schema() {
    return "bench_" + Long.toString(System.nanoTime(), 36);
  }

  /** Every user connected to ten toolkits, in each of the three; a clock that stands still. */
  @State(Scope.Benchmark)
  public static class Check {
    HikariDataSource pool;
    HikariDataSource springPool;
    PostgresConnectionStore store;
    final List<Session> pgSessions = new ArrayList<>();
    final List<Session> memSessions = new ArrayList<>();
    final List<String> asked = new ArrayList<>();
    List<ClientRegistration> registrations = new ArrayList<>();
    JdbcOAuth2AuthorizedClientService spring;
    final AtomicInteger users = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() throws IOException {
      EmbeddedPostgresServer server = EmbeddedPostgresServer.get();
      String schema = schema();
      pool = pool(server, null);
      store = PostgresConnectionStore.builder(pool).schema(schema).encryptionKey("bench", new byte[32]).build();
      FakeToolkitProvider.Builder fake = FakeToolkitProvider.builder().recordRequests(false);
      for (int i = 0; i < TOOLKITS; i++) {
        asked.add("toolkit_" + i);
        fake.oauth2("toolkit_" + i, "Toolkit " + i);
      }
      FakeToolkitProvider provider = fake.build();
      Tether postgres = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(TestClock.standing())
          .discoverProviders(false).provider(provider).store(store).build();
      Tether memory = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(TestClock.standing())
          .discoverProviders(false).provider(provider).build();

      new JdbcTemplate(pool).execute("CREATE SCHEMA " + schema + "_spring");
      springPool = pool(server, schema + "_spring");
      JdbcTemplate jdbc = new JdbcTemplate(springPool);
      try (InputStream ddl = JdbcOAuth2AuthorizedClientService.class.getResourceAsStream(
          "/org/springframework/security/oauth2/client/oauth2-client-schema-postgres.sql")) {
        jdbc.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
      }
      for (String slug : asked) {
        registrations.add(ClientRegistration.withRegistrationId(slug).clientId(Fixtures.CLIENT_ID)
            .clientSecret(Fixtures.CLIENT_SECRET).authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri(Fixtures.REDIRECT_URI).authorizationUri(Fixtures.AUTHORIZATION_URL)
            .tokenUri(Fixtures.TOKEN_URL).build());
      }
      spring = new JdbcOAuth2AuthorizedClientService(jdbc, new InMemoryClientRegistrationRepository(registrations));

      for (int u = 0; u < USERS; u++) {
        Session pg = postgres.createSession("user_" + u);
        Session mem = memory.createSession("user_" + u);
        pgSessions.add(pg);
        memSessions.add(mem);
        for (int i = 0; i < TOOLKITS; i++) {
          String slug = asked.get(i);
          postgres.handleCallback(FakeToolkitProvider.approve(pg.authorize(slug).redirectUrl(), "c" + u + slug));
          memory.handleCallback(FakeToolkitProvider.approve(mem.authorize(slug).redirectUrl(), "c" + u + slug));
          spring.saveAuthorizedClient(client(registrations.get(i), pg.userId(), "c" + u + slug),
              new ConnectionCheckBenchmark.PrincipalName(pg.userId()));
        }
      }
      for (int u = 0; u < USERS; u++) {
        if (pgSessions.get(u).manageConnections(asked, false).summary().activeConnections() != TOOLKITS
            || memSessions.get(u).manageConnections(asked, false).summary().activeConnections() != TOOLKITS) {
          throw new IllegalStateException("setup did not connect every toolkit");
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      pool.close();
      springPool.close();
    }
  }

  static OAuth2AuthorizedClient client(ClientRegistration registration, String user, String token) {
    Instant now = Instant.now();
    return new OAuth2AuthorizedClient(registration, user, new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
        "access-" + token, now, now.plusSeconds(3600)), new OAuth2RefreshToken("refresh-" + token, now));
  }

  @State(Scope.Thread)
  public static class CheckUser {
    Session pg;
    Session mem;
    String user;

    @Setup(Level.Trial)
    public void setUp(Check world) {
      int u = world.users.getAndIncrement() % USERS;
      pg = world.pgSessions.get(u);
      mem = world.memSessions.get(u);
      user = pg.userId();
    }
  }

  @Benchmark
  public ManageConnectionsResult check_postgres(Check world, CheckUser me) {
    return me.pg.manageConnections(world.asked, false);
  }

  @Benchmark
  public ManageConnectionsResult check_inMemory(Check world, CheckUser me) {
    return me.mem.manageConnections(world.asked, false);
  }

  @Benchmark
  public int check_springJdbc(Check world, CheckUser me) {
    int found = 0;
    for (String slug : world.asked) {
      found += world.spring.loadAuthorizedClient(slug, me.user) == null ? 0 : 1;
    }
    return found;
  }

  @Benchmark
  public ClientRegistration callbackSave_springJdbc(Check world, CheckUser me) {
    ClientRegistration r = world.registrations.get(0);
    world.spring.saveAuthorizedClient(client(r, me.user, "again"), new ConnectionCheckBenchmark.PrincipalName(me.user));
    return r;
  }

  /**
   * Many users, so a user's pending links have expired (by a fast clock, as in production over
   * hours) and been forgotten before the benchmark comes back to them.
   */
  @State(Scope.Benchmark)
  public static class Links {
    HikariDataSource pool;
    PostgresConnectionStore store;
    Tether postgres;
    Tether memory;
    final Session[] pgSessions = new Session[LINK_USERS];
    final Session[] memSessions = new Session[LINK_USERS];
    final AtomicInteger threads = new AtomicInteger();
    ScheduledExecutorService maintenance;

    @Setup(Level.Trial)
    public void setUp() {
      pool = pool(EmbeddedPostgresServer.get(), null);
      store = PostgresConnectionStore.builder(pool).schema(schema()).encryptionKey("bench", new byte[32]).build();
      FakeToolkitProvider provider = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").recordRequests(false).build();
      // Maintenance (expiring links, forgetting them) on a scheduler once a second of real time, as
      // in production: on callers' threads it would run once per second of the fast clock, on
      // nearly every operation, and the figures would measure the sweeps.
      maintenance = Executors.newSingleThreadScheduledExecutor();
      postgres = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(new FastForwardClock(1000))
          .sessionIdleTimeout(Duration.ofDays(3650)).maintenanceScheduler(maintenance, Duration.ofSeconds(1))
          .discoverProviders(false).provider(provider).store(store).build();
      memory = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(new FastForwardClock(1000))
          .sessionIdleTimeout(Duration.ofDays(3650)).maintenanceScheduler(maintenance, Duration.ofSeconds(1))
          .discoverProviders(false).provider(provider).build();
      for (int u = 0; u < LINK_USERS; u++) {
        pgSessions[u] = postgres.createSession("link_user_" + u);
        memSessions[u] = memory.createSession("link_user_" + u);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      maintenance.shutdownNow();
      store.close();
      pool.close();
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int offset;
    int next;

    @Setup(Level.Trial)
    public void setUp(Links world) {
      offset = world.threads.getAndIncrement() * (LINK_USERS / 2);
    }

    int user() {
      return (offset + next++) & (LINK_USERS - 1);
    }
  }

  @Benchmark
  public String link_postgres(Links world, Cursor cursor) {
    return world.pgSessions[cursor.user()].authorize("gmail").redirectUrlString();
  }

  @Benchmark
  public String link_inMemory(Links world, Cursor cursor) {
    return world.memSessions[cursor.user()].authorize("gmail").redirectUrlString();
  }

  @Benchmark
  public CallbackResult linkAndCallback_postgres(Links world, Cursor cursor) {
    ConnectionRequest r = world.pgSessions[cursor.user()].authorize("gmail");
    return world.postgres.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code"));
  }

  @Benchmark
  public CallbackResult linkAndCallback_inMemory(Links world, Cursor cursor) {
    ConnectionRequest r = world.memSessions[cursor.user()].authorize("gmail");
    return world.memory.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code"));
  }
}

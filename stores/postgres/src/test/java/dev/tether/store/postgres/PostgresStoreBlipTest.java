package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One dropped database connection (the database stays up) at the moment the engine saves what it
 * cannot get again: a rotated refresh token, or the credentials a one-time code bought; dropped
 * before the server sees the save, or after it ran it, so that only its answer is lost. The
 * upstream accepts each code and each refresh token once, as real ones do, so losing the save would
 * cost the user the connection.
 */
class PostgresStoreBlipTest {
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

  /** An engine whose store reaches the database through a proxy that can drop one connection. */
  private Tether engine(FakeToolkitProvider fake) throws Exception {
    db.store().close(); // migrates the schema
    proxy = new FaultyProxy(db.server.port());
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"127.0.0.1"});
    ds.setPortNumbers(new int[] {proxy.port()});
    ds.setDatabaseName("postgres");
    ds.setUser("postgres");
    PostgresConnectionStore store = db.track(db.builder(ds).build());
    return Tether.builder().redirectUri(REDIRECT).clock(clock).discoverProviders(false).provider(fake).store(store)
        .build();
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
    Tether tether = engine(fake);
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
    Tether tether = engine(fake);
    ConnectionRequest request = tether.createSession("alice").authorize("gmail");

    dropTheSave(afterItRan);
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c1"));

    assertThat(proxy.blips()).as("the save was dropped").isEqualTo(1);
    assertThat(result.successful()).isTrue();
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(spent).containsExactly("c1");
  }
}

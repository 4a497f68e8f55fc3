package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §7 rules that live in the engine, shown with an in-process provider. */
class RefreshTest {
  private final TestClock clock = TestClock.standing();
  private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).listener(events::add).build();
  }

  private String connect() {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));
    return r.id();
  }

  private static Credentials refreshed(String access, String refresh, Instant expiresAt) {
    Credentials.Builder b = Credentials.builder(AuthScheme.OAUTH2).accessToken(access).expiresAt(expiresAt);
    if (refresh != null) {
      b.refreshToken(refresh);
    }
    return b.build();
  }

  @Test
  void freshToken_isReturnedWithoutRefresh() {
    String id = connect();
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of("fake-access-c1"));
    assertThat(provider.refreshCount()).isEqualTo(0);
  }

  @Test
  void skewEdges_skewMinusOneRefreshes_skewPlusOneDoesNot() {
    String id = connect();
    Instant expiresAt = tether.credentials(id).expiresAt().orElseThrow();
    provider.onRefresh(r -> refreshed("access-2", "refresh-2", r.now().plus(Duration.ofHours(1))));

    clock.advance(Duration.between(clock.instant(), expiresAt.minusSeconds(61)));
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of("fake-access-c1"));
    assertThat(provider.refreshCount()).isEqualTo(0);

    clock.advance(Duration.ofSeconds(2)); // now expires in 59 s, inside the 60 s skew
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of("access-2"));
    assertThat(provider.refreshCount()).isEqualTo(1);
    assertThat(events).filteredOn(e -> e.type() == ConnectionEvent.Type.TOKEN_REFRESHED).singleElement()
        .satisfies(e -> assertThat(e.accountId()).isEqualTo(id));
  }

  @Test
  void skew_isConfigurable() {
    Tether wide = TestEngines.builder(provider, clock).tokenRefreshSkew(Duration.ofMinutes(30)).build();
    ConnectionRequest r = wide.createSession("alice").authorize("gmail");
    wide.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));
    provider.onRefresh(req -> refreshed("access-2", "refresh-2", req.now().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofMinutes(31));
    assertThat(wide.credentials(r.id()).accessToken()).contains(Secret.of("access-2"));
  }

  @Test
  void refreshWithoutNewRefreshToken_keepsTheOldOne() {
    String id = connect();
    provider.onRefresh(r -> refreshed("access-2", null, r.now().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofHours(1));
    Credentials c = tether.credentials(id);
    assertThat(c.accessToken()).contains(Secret.of("access-2"));
    assertThat(c.refreshToken()).contains(Secret.of("fake-refresh-c1"));
  }

  @Test
  void rotatedRefreshToken_isStoredBeforeReturning() {
    String id = connect();
    provider.onRefresh(r -> refreshed("access-2", "refresh-2", r.now().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofHours(1));
    tether.credentials(id);
    clock.advance(Duration.ofHours(1));
    List<String> presented = new ArrayList<>();
    provider.onRefresh(r -> {
      presented.add(r.credentials().refreshToken().orElseThrow().reveal());
      return refreshed("access-3", "refresh-3", r.now().plus(Duration.ofHours(1)));
    });
    tether.credentials(id);
    assertThat(presented).containsExactly("refresh-2");
  }

  @Test
  void credentials_ofAPendingAccount_sayTheLinkIsStillPending() {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    assertThatThrownBy(() -> tether.credentials(r.id())).isInstanceOfSatisfying(CredentialsUnavailableException.class,
        e -> {
          assertThat(e.status()).contains(ConnectionStatus.INITIATED);
          assertThat(e.getMessage()).contains("its link is still pending: wait until the user completes it")
              .doesNotContain("authorize(");
        });
  }

  @Test
  void definitiveFailure_expiresAccountWithReason_andAnnouncesIt() {
    String id = connect();
    provider.onRefresh(r -> {
      throw ProviderException.definitive("invalid_grant", "revoked");
    });
    clock.advance(Duration.ofHours(1));
    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.status()).contains(ConnectionStatus.EXPIRED);
      assertThat(e.reason()).contains("invalid_grant");
      assertThat(e.getMessage()).contains("authorize(\"gmail\")");
    });
    ConnectedAccount account = tether.account(id).orElseThrow();
    assertThat(account.status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(account.statusReason()).contains("invalid_grant");
    assertThat(events).extracting(ConnectionEvent::type).endsWith(
        ConnectionEvent.Type.REFRESH_FAILED, ConnectionEvent.Type.STATUS_CHANGED);
    assertThat(events.get(events.size() - 2).detail()).contains("invalid_grant");
  }

  @Test
  void noRefreshToken_expiresAccount() {
    provider.onExchange(r -> Credentials.builder(AuthScheme.OAUTH2).accessToken("only-access")
        .expiresAt(r.now().plus(Duration.ofHours(1))).build());
    provider.onRefresh(r -> {
      throw ProviderException.definitive("no_refresh_token", "none");
    });
    String id = connect();
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOf(CredentialsUnavailableException.class);
    assertThat(tether.account(id).orElseThrow().statusReason()).contains("no_refresh_token");
  }

  @Test
  void transientFailure_keepsActive_returnsStillValidToken_orRaisesRetryable() {
    String id = connect();
    provider.onRefresh(r -> {
      throw ProviderException.transientFailure("http_503", "down");
    });
    clock.advance(Duration.ofMinutes(59).plusSeconds(30)); // inside the skew, not yet expired
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of("fake-access-c1"));
    assertThat(tether.account(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(events).filteredOn(e -> e.type() == ConnectionEvent.Type.REFRESH_FAILED)
        .singleElement().satisfies(e -> assertThat(e.detail()).contains("http_503"));

    clock.advance(Duration.ofMinutes(1)); // now expired
    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
      assertThat(e.isRetryable()).isTrue();
      assertThat(e.status()).contains(ConnectionStatus.ACTIVE);
    });
    assertThat(tether.account(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);

    provider.onRefresh(r -> refreshed("access-2", "refresh-2", r.now().plus(Duration.ofHours(1))));
    assertThat(tether.credentials(id).accessToken()).contains(Secret.of("access-2"));
  }

  @Test
  void providerBugDuringRefresh_isDefinitive_asTheSpiSays() {
    String id = connect();
    provider.onRefresh(r -> {
      throw new IllegalStateException("bug");
    });
    clock.advance(Duration.ofHours(2));
    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.reason()).contains("provider_error");
    });
    ConnectedAccount after = tether.account(id).orElseThrow();
    assertThat(after.status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(after.statusReason()).contains("provider_error");
  }

  @Test
  void nonActiveOrUnknownAccount_hasNoCredentials() {
    String id = connect();
    tether.disable(id);
    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.status()).contains(ConnectionStatus.INACTIVE);
      assertThat(e).as("a disabled account is enabled, not connected again")
          .hasMessageContaining("tether.enable(\"" + id + "\")").hasMessageNotContaining("authorize");
    });
    assertThatThrownBy(() -> tether.credentials("ca_nope")).isInstanceOf(AccountNotFoundException.class);
  }

  @Test
  void refreshExpiring_refreshesOnlyWhatIsDue() {
    String due = connect();
    clock.advance(Duration.ofMinutes(30));
    ConnectionRequest later = tether.createSession("bob").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(later.redirectUrl(), "c2"));
    provider.onRefresh(r -> refreshed("access-new", "refresh-new", r.now().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofMinutes(25)); // first expires in 5 min, second in 35 min

    assertThat(tether.refreshExpiring(Duration.ofMinutes(5))).isEqualTo(1);
    assertThat(provider.refreshCount()).isEqualTo(1);
    assertThat(tether.credentials(later.id()).accessToken()).contains(Secret.of("fake-access-c2"));
    assertThat(tether.account(due).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void refreshScheduler_runsRefreshExpiringOnTheHostsExecutor() {
    List<Runnable> scheduled = new CopyOnWriteArrayList<>();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1) {
      @Override
      public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        scheduled.add(command);
        assertThat(unit.toMillis(delay)).isEqualTo(Duration.ofMinutes(1).toMillis());
        return null;
      }
    };
    try {
      Tether proactive = TestEngines.builder(provider, clock).refreshScheduler(executor, Duration.ofMinutes(1)).build();
      ConnectionRequest r = proactive.createSession("alice").authorize("gmail");
      proactive.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));
      provider.onRefresh(req -> refreshed("access-new", "refresh-new", req.now().plus(Duration.ofHours(1))));
      clock.advance(Duration.ofMinutes(58).plusSeconds(30));

      assertThat(scheduled).hasSize(1);
      scheduled.get(0).run();
      assertThat(provider.refreshCount()).isEqualTo(1);
    } finally {
      executor.shutdownNow();
    }
  }
}

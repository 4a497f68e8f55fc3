package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.core.store.StoreListener;
import dev.tether.spi.ProviderException;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §4: authorize and waitForConnection. */
class AuthorizeTest {
  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;
  private Session session;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).build();
    session = tether.createSession("user_123");
  }

  @Test
  void authorize_returnsInitiatedRequestWithLink() {
    ConnectionRequest r = session.authorize(" Gmail ");
    assertThat(r.id()).startsWith("ca_");
    assertThat(r.status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(r.toolkit()).isEqualTo("gmail");
    assertThat(r.redirectUrl().toString()).startsWith(FakeToolkitProvider.ISSUER + "/gmail/authorize?state=");
    assertThat(r.redirectUrlString()).as("the same link, as text").isEqualTo(r.redirectUrl().toString());
    assertThat(r.linkExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(10)));
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(provider.authorizeRequests().get(0).redirectUri()).isEqualTo(TestEngines.REDIRECT_URI);
    assertThat(provider.authorizeRequests().get(0).userId()).isEqualTo("user_123");
  }

  @Test
  void authorize_secondLink_expiresFirstPending() {
    ConnectionRequest first = session.authorize("gmail");
    ConnectionRequest second = session.authorize("gmail");
    assertThat(tether.account(first.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(tether.account(second.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void unknownToolkit_namesToolkitAndAlternatives() {
    assertThatThrownBy(() -> session.authorize("gmial")).isInstanceOf(UnknownToolkitException.class)
        .hasMessageContaining("'gmial'").hasMessageContaining("gmail").hasMessageContaining("Add a provider");
    assertThatThrownBy(() -> session.authorize("not a slug!")).isInstanceOf(UnknownToolkitException.class);
  }

  @Test
  void noAuthToolkit_rejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> session.authorize("hackernews"))
        .withMessageContaining("needs no authorization");
  }

  @Test
  void providerWithoutClient_linkCreationFails_nothingStored() {
    provider.failAuthorize("gmail", ProviderException.definitive("client_not_configured",
        "set TETHER_GOOGLE_CLIENT_ID"));
    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOf(LinkCreationException.class)
        .hasMessageContaining("'gmail'").hasMessageContaining("TETHER_GOOGLE_CLIENT_ID");
    assertThat(tether.accounts(AccountQuery.all())).isEmpty();
  }

  @Test
  void providerFailure_keepsPreviousPendingLink() {
    ConnectionRequest first = session.authorize("gmail");
    provider.failAuthorize("gmail", new IllegalStateException("boom"));
    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOf(LinkCreationException.class);
    assertThat(tether.account(first.id()).orElseThrow().status()).as("nothing half-written")
        .isEqualTo(ConnectionStatus.INITIATED);
    assertThat(tether.accounts(AccountQuery.all())).hasSize(1);
  }

  @Test
  void noRedirectUri_linkCreationFailsSayingWhatToSet() {
    Tether bare = Tether.builder().clock(clock).discoverProviders(false).provider(provider).build();
    assertThatThrownBy(() -> bare.createSession("u").authorize("gmail")).isInstanceOf(LinkCreationException.class)
        .hasMessageContaining("redirectUri");
  }

  @Test
  void waitForConnection_returnsActiveAccountWhenCallbackCompletes() throws Exception {
    ConnectionRequest r = session.authorize("gmail");
    CompletableFuture<ConnectedAccount> waiting =
        CompletableFuture.supplyAsync(() -> r.waitForConnection(Duration.ofSeconds(30)));
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    ConnectedAccount account = waiting.get(30, TimeUnit.SECONDS);
    assertThat(account.id()).isEqualTo(r.id());
    assertThat(account.status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void waitForConnection_callbackCommittedBetweenItsLookAndItsRegistration_stillReturnsActive() {
    // The store runs the callback right after answering the waiter's look at the account, so the
    // change is committed (and announced) after that look and before the waiter is registered.
    ConnectionStore real = ConnectionStores.inMemory();
    AtomicReference<Runnable> afterNextAccountRead = new AtomicReference<>();
    ConnectionStore store = (ConnectionStore) Proxy.newProxyInstance(ConnectionStore.class.getClassLoader(),
        new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
          Object answer;
          try {
            answer = method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("account")) {
            Runnable hook = afterNextAccountRead.getAndSet(null);
            if (hook != null) {
              hook.run();
            }
          }
          return answer;
        });
    Tether shared = TestEngines.builder(provider, clock).store(store).build();
    ConnectionRequest r = shared.createSession("user_123").authorize("gmail");
    afterNextAccountRead.set(() -> shared.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c")));

    assertThat(r.waitForConnection(Duration.ofSeconds(10)).status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(afterNextAccountRead.get()).as("the callback ran inside the wait").isNull();
  }

  @Test
  void waitForConnection_forever_returnsOrThrowsLikeAnyTimeout() {
    ConnectionRequest done = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(done.redirectUrl(), "c"));
    assertThat(done.waitForConnection(ChronoUnit.FOREVER.getDuration()).status()).isEqualTo(ConnectionStatus.ACTIVE);

    ConnectionRequest denied = tether.createSession("user_2").authorize("gmail");
    tether.handleCallback(TestEngines.deny(denied.redirectUrl(), "access_denied"));
    assertThatThrownBy(() -> denied.waitForConnection(ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(ConnectionRequestFailedException.class);

    // The most negative duration does not overflow either: it is a budget already spent.
    ConnectionRequest pending = tether.createSession("user_3").authorize("gmail");
    assertThatThrownBy(() -> pending.waitForConnection(Duration.ofSeconds(Long.MIN_VALUE)))
        .isInstanceOf(ConnectionRequestTimeoutException.class);
  }

  @Test
  void waitForConnection_forever_waitsUntilTheCallback() throws Exception {
    ConnectionRequest r = session.authorize("gmail");
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        outcome.complete(r.waitForConnection(ChronoUnit.FOREVER.getDuration()).status());
      } catch (RuntimeException e) {
        outcome.complete(e);
      }
    });
    waiter.start();
    // Until it parks in its wait (a budget read as zero would end it at once instead).
    long budget = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!outcome.isDone() && waiter.getState() != Thread.State.TIMED_WAITING
        && waiter.getState() != Thread.State.WAITING && System.nanoTime() - budget < 0) {
      Thread.onSpinWait();
    }
    assertThat(outcome).as("still waiting").isNotDone();
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(ConnectionStatus.ACTIVE);
    waiter.join(TimeUnit.SECONDS.toMillis(30));
  }

  @Test
  void waitForConnection_afterCompletion_returnsAtOnce() {
    ConnectionRequest r = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(r.waitForConnection().status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void waitForConnection_failedAccount_throwsWithStatusAndReason() {
    ConnectionRequest r = session.authorize("gmail");
    tether.handleCallback(TestEngines.deny(r.redirectUrl(), "access_denied"));
    assertThatThrownBy(() -> r.waitForConnection(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(ConnectionRequestFailedException.class, e -> {
          assertThat(e.status()).contains(ConnectionStatus.FAILED);
          assertThat(e.reason()).contains("access_denied");
          assertThat(e.connectedAccountId()).isEqualTo(r.id());
        });
  }

  @Test
  void waitForConnection_linkTtlPassed_throwsExpired() {
    ConnectionRequest r = session.authorize("gmail");
    clock.advance(Duration.ofMinutes(10));
    assertThatThrownBy(() -> r.waitForConnection(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(ConnectionRequestFailedException.class,
            e -> assertThat(e.status()).contains(ConnectionStatus.EXPIRED));
  }

  @Test
  void waitForConnection_linkNoticedLateAndForgottenBeforeTheWaiterLooks_reportsExpiredNotDeleted() {
    ConnectionStore store = ConnectionStores.inMemory();
    AtomicReference<Session> forgetter = new AtomicReference<>();
    store.subscribe(new StoreListener() { // called before the engine's waiters, which subscribe at build
      @Override
      public void accountChanged(ConnectionEvent event) {
        Session s = event.status() == ConnectionStatus.EXPIRED ? forgetter.getAndSet(null) : null;
        if (s != null) {
          s.toolkits(); // a read of the slot in between: the link ended over a TTL ago, so it is forgotten
        }
      }

      @Override
      public void flowSettled(String flowKey) {}
    });
    Tether engine = TestEngines.builder(provider, clock).store(store).build();
    Session user = engine.createSession("user_9");
    ConnectionRequest r = user.authorize("gmail");
    CompletableFuture<ConnectedAccount> waiting = r.future();
    clock.advance(Duration.ofMinutes(25)); // the link died at 10 minutes, forgettable from 20
    forgetter.set(user);

    engine.cleanUp();

    assertThat(engine.account(r.id())).as("forgotten by the read in between").isEmpty();
    assertThat(waiting).isCompletedExceptionally();
    assertThatThrownBy(waiting::join).hasCauseInstanceOf(ConnectionRequestFailedException.class).cause()
        .satisfies(e -> {
          ConnectionRequestFailedException failed = (ConnectionRequestFailedException) e;
          assertThat(failed.status()).contains(ConnectionStatus.EXPIRED);
          assertThat(failed.reason()).contains("link_expired");
        });
  }

  @Test
  void waitForConnection_expiredWhileWaiting_isWokenByCleanUp() throws Exception {
    ConnectionRequest r = session.authorize("gmail");
    CompletableFuture<ConnectedAccount> waiting =
        CompletableFuture.supplyAsync(() -> r.waitForConnection(Duration.ofSeconds(30)));
    clock.advance(Duration.ofMinutes(11));
    tether.cleanUp();
    assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(ConnectionRequestFailedException.class);
  }

  @Test
  void waitForConnection_supersededByNewerLink_throwsExpired() {
    ConnectionRequest r = session.authorize("gmail");
    session.authorize("gmail");
    assertThatThrownBy(() -> r.waitForConnection(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(ConnectionRequestFailedException.class, e -> {
          assertThat(e.status()).contains(ConnectionStatus.EXPIRED);
          assertThat(e.reason()).get().asString().startsWith("superseded_by_ca_");
        });
  }

  @Test
  void waitForConnection_timeout_throwsTimeout_accountStillInitiated() {
    ConnectionRequest r = session.authorize("gmail");
    // A budget that is already spent: the timeout path without a real wait racing anything.
    assertThatThrownBy(() -> r.waitForConnection(Duration.ZERO))
        .isInstanceOfSatisfying(ConnectionRequestTimeoutException.class, e -> {
          assertThat(e.connectedAccountId()).isEqualTo(r.id());
          assertThat(e).hasMessageContaining(r.id()).hasMessageContaining("PT0S");
        });
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(r.waitForConnection(Duration.ZERO).status()).as("the request still completes after a timeout")
        .isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void waitForConnection_deletedAccount_throws() {
    ConnectionRequest r = session.authorize("gmail");
    CompletableFuture<ConnectedAccount> f = r.future();
    tether.delete(r.id());
    assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectionRequestFailedException.class);
  }

  @Test
  void future_completesOnCallback_andCancellingItDoesNotAffectOthers() throws Exception {
    ConnectionRequest r = session.authorize("gmail");
    CompletableFuture<ConnectedAccount> cancelled = r.future();
    CompletableFuture<ConnectedAccount> kept = r.future();
    cancelled.cancel(true);
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    assertThat(kept.get(30, TimeUnit.SECONDS).status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(r.waitForConnection(Duration.ofSeconds(30)).id()).isEqualTo(r.id());
  }

  @Test
  void abandonedLinks_areForgottenOneTtlAfterTheyEnded_connectedOnesAreKept() {
    ConnectionRequest connected = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(connected.redirectUrl(), "c"));
    tether.disable(connected.id());
    ConnectionRequest first = session.authorize("gmail");
    ConnectionRequest second = session.authorize("gmail");
    assertThat(tether.account(first.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    clock.advance(Duration.ofMinutes(10));
    session.authorize("gmail");
    assertThat(tether.account(first.id())).as("superseded and aged out").isEmpty();
    assertThat(tether.account(second.id())).as("expired just now: still listed").isPresent();
    assertThat(tether.account(connected.id())).as("was connected once: kept").isPresent();
  }

  @Test
  void linkTtl_isConfigurable() {
    Tether quick = TestEngines.builder(provider, clock).linkTtl(Duration.ofMinutes(2)).build();
    ConnectionRequest r = quick.createSession("u").authorize("gmail");
    clock.advance(Duration.ofMinutes(2));
    assertThat(quick.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(quick.account(r.id()).orElseThrow().statusReason()).contains("link_expired");
  }

  @Test
  void accountManagement_listDisableEnableDelete() {
    ConnectionRequest r = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));
    ConnectionRequest pending = session.authorize("github");

    assertThat(tether.accounts(AccountQuery.ofUser("user_123"))).extracting(ConnectedAccount::id)
        .containsExactlyInAnyOrder(r.id(), pending.id());
    assertThat(tether.accounts(AccountQuery.all().withToolkit("GMAIL"))).extracting(ConnectedAccount::id)
        .containsExactly(r.id());
    assertThat(tether.accounts(AccountQuery.all().withStatus(ConnectionStatus.INITIATED)))
        .extracting(ConnectedAccount::id).containsExactly(pending.id());

    assertThat(tether.disable(r.id()).status()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(tether.enable(r.id()).status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThatThrownBy(() -> tether.enable(r.id())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ACTIVE");
    assertThatThrownBy(() -> tether.disable("ca_nope")).isInstanceOf(AccountNotFoundException.class);
    assertThat(tether.delete(r.id())).isTrue();
    assertThat(tether.delete(r.id())).isFalse();
    assertThat(tether.account(r.id())).isEmpty();
  }

  @Test
  void enable_inSingleAccountMode_supersedesOtherActive() {
    ConnectionRequest a = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(a.redirectUrl(), "a"));
    ConnectionRequest b = session.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(b.redirectUrl(), "b"));
    assertThat(tether.account(a.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INACTIVE);
    tether.enable(a.id());
    assertThat(tether.account(b.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(tether.accounts(AccountQuery.ofUser("user_123").withStatus(ConnectionStatus.ACTIVE))).hasSize(1);
  }
}

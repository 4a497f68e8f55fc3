package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.core.store.StoreException;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store whose commit fails once with a retryable {@link StoreException} (a dropped connection)
 * costs nothing the engine can no longer redo: the transaction runs again from the read. The
 * failure comes before the write, or after it (the answer lost), where the second run must find
 * the change made and not make it twice.
 */
class StoreBlipTest {
  /** What the next commits do. */
  enum Fault {
    /** Fails before writing anything. */
    BEFORE,
    /** Writes, then fails as if the answer were lost. */
    AFTER,
    /** Fails in a way a retry cannot cure. */
    FATAL
  }

  private final TestClock clock = TestClock.standing();
  private final ConnectionStore backing = ConnectionStores.inMemory();
  private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final AtomicInteger commits = new AtomicInteger();
  private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).store(blipping()).listener(events::add).build();
  }

  private ConnectionStore blipping() {
    return (ConnectionStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConnectionStore.class},
        (proxy, method, args) -> {
          if (!method.getName().equals("commit")) {
            return call(method, args);
          }
          commits.incrementAndGet();
          Fault fault = faults.poll();
          if (fault == Fault.BEFORE) {
            throw new StoreException("commit: the connection was lost (test)", true, null);
          }
          if (fault == Fault.FATAL) {
            throw new StoreException("commit: permission denied (test)", false, null);
          }
          Object result = call(method, args);
          if (fault == Fault.AFTER) {
            throw new StoreException("commit: the connection was lost before the answer (test)", true, null);
          }
          return result;
        });
  }

  private Object call(java.lang.reflect.Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(backing, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Credentials rotated(String access, String refresh, java.time.Instant now) {
    return Credentials.builder(AuthScheme.OAUTH2).accessToken(access).refreshToken(refresh)
        .expiresAt(now.plus(Duration.ofHours(1))).build();
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"BEFORE", "AFTER"})
  void aRotatedRefreshToken_survivesADroppedSave(Fault fault) {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));
    provider.onRefresh(req -> rotated("access-2", "refresh-2", req.now()));
    clock.advance(Duration.ofHours(1));
    faults.add(fault);

    assertThat(tether.credentials(r.id()).accessToken()).contains(Secret.of("access-2"));

    assertThat(faults).as("the save was dropped once").isEmpty();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    List<String> presented = new ArrayList<>();
    provider.onRefresh(req -> {
      presented.add(req.credentials().refreshToken().orElseThrow().reveal());
      return rotated("access-3", "refresh-3", req.now());
    });
    clock.advance(Duration.ofHours(1));
    tether.credentials(r.id());
    assertThat(presented).as("the rotated token was kept").containsExactly("refresh-2");
    assertThat(provider.refreshCount()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"BEFORE", "AFTER"})
  void aCallback_whoseActivationSaveIsDropped_connectsWithTheOneExchange(Fault fault) {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    faults.add(fault);

    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));

    assertThat(faults).as("the save was dropped once").isEmpty();
    assertThat(result.successful()).isTrue();
    assertThat(result.status()).contains(ConnectionStatus.ACTIVE);
    assertThat(provider.exchangeCount()).as("the one-time code was spent once").isEqualTo(1);
    assertThat(tether.credentials(r.id()).accessToken()).contains(Secret.of("fake-access-c1"));
  }

  @Test
  void aLink_whoseCommitAnswerIsLost_isIssuedOnce() {
    Session session = tether.createSession("alice");
    faults.add(Fault.AFTER);

    ConnectionRequest r = session.authorize("gmail");

    assertThat(faults).isEmpty();
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).singleElement().satisfies(a -> {
      assertThat(a.id()).isEqualTo(r.id());
      assertThat(a.status()).isEqualTo(ConnectionStatus.INITIATED);
    });
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1")).successful()).isTrue();
  }

  private String connected() {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c1"));
    return r.id();
  }

  private long eventsOf(ConnectionEvent.Type type) {
    return events.stream().filter(e -> e.type() == type).count();
  }

  @Test
  void aRefresh_whoseSaveAnswerIsLost_isAnnouncedOnce() {
    String id = connected();
    provider.onRefresh(req -> rotated("access-2", "refresh-2", req.now()));
    clock.advance(Duration.ofHours(1));
    faults.add(Fault.AFTER);

    tether.credentials(id);

    assertThat(faults).isEmpty();
    assertThat(eventsOf(ConnectionEvent.Type.TOKEN_REFRESHED)).isEqualTo(1);
  }

  @Test
  void aDeadToken_whoseExpiryAnswerIsLost_isAnnouncedOnce() {
    String id = connected();
    provider.onRefresh(req -> {
      throw ProviderException.definitive("invalid_grant", "revoked");
    });
    clock.advance(Duration.ofHours(1));
    faults.add(Fault.AFTER);

    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOf(CredentialsUnavailableException.class);

    assertThat(faults).isEmpty();
    assertThat(tether.account(id).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(eventsOf(ConnectionEvent.Type.REFRESH_FAILED)).isEqualTo(1);
  }

  @Test
  void disableEnableAndDelete_whoseAnswersAreLost_reportWhatTheyDid() {
    String id = connected();

    faults.add(Fault.AFTER);
    assertThat(tether.disable(id).status()).isEqualTo(ConnectionStatus.INACTIVE);
    faults.add(Fault.AFTER);
    assertThat(tether.enable(id).status()).isEqualTo(ConnectionStatus.ACTIVE);
    faults.add(Fault.AFTER);
    assertThat(tether.delete(id)).isTrue();

    assertThat(faults).isEmpty();
    assertThat(tether.account(id)).isEmpty();
    assertThat(eventsOf(ConnectionEvent.Type.DELETED)).isEqualTo(1);
    assertThat(tether.delete(id)).as("a real second delete still finds nothing").isFalse();
  }

  @Test
  void aFailureARetryCannotCure_reachesTheCallerAtOnce_andNothingIsWritten() {
    Session session = tether.createSession("alice");
    faults.add(Fault.FATAL);
    int before = commits.get();

    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e.isRetryable()).isFalse());

    assertThat(commits.get() - before).isEqualTo(1);
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).isEmpty();
  }

  @Test
  void aStoreDownForEveryAttempt_isGivenUpAfterThree() {
    Session session = tether.createSession("alice");
    for (int i = 0; i < 5; i++) {
      faults.add(Fault.BEFORE);
    }
    int before = commits.get();

    assertThatThrownBy(() -> session.authorize("gmail")).isInstanceOfSatisfying(StoreException.class,
        e -> assertThat(e.isRetryable()).isTrue());

    assertThat(commits.get() - before).isEqualTo(SlotTransaction.STORE_ATTEMPTS);
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).isEmpty();
  }
}

package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §8: listeners see every status change; a throwing listener is logged and skipped. */
class EventsTest {
  private final TestClock clock = TestClock.standing();
  private final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    Logger.getLogger(Listeners.class.getName()).addHandler(capture);
    provider = TestEngines.standardProvider();
    tether = TestEngines.builder(provider, clock).listener(events::add).build();
  }

  @AfterEach
  void tearDown() {
    Logger.getLogger(Listeners.class.getName()).removeHandler(capture);
  }

  @Test
  void everyStatusChange_isDelivered_withFromToAndReason() {
    Session s = tether.createSession("alice");
    ConnectionRequest first = s.authorize("gmail");
    ConnectionRequest second = s.authorize("gmail");
    tether.handleCallback(TestEngines.deny(second.redirectUrl(), "access_denied"));

    assertThat(events).extracting(ConnectionEvent::accountId, ConnectionEvent::previousStatus,
        ConnectionEvent::status, ConnectionEvent::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple(first.id(), Optional.empty(), ConnectionStatus.INITIATED, Optional.empty()),
        org.assertj.core.groups.Tuple.tuple(first.id(), Optional.of(ConnectionStatus.INITIATED), ConnectionStatus.EXPIRED,
            Optional.of("superseded_by_" + second.id())),
        org.assertj.core.groups.Tuple.tuple(second.id(), Optional.empty(), ConnectionStatus.INITIATED, Optional.empty()),
        org.assertj.core.groups.Tuple.tuple(second.id(), Optional.of(ConnectionStatus.INITIATED), ConnectionStatus.FAILED,
            Optional.of("access_denied")));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.userId()).isEqualTo("alice");
      assertThat(e.toolkit()).isEqualTo("gmail");
      assertThat(e.type()).isEqualTo(ConnectionEvent.Type.STATUS_CHANGED);
      assertThat(e.occurredAt()).isEqualTo(clock.instant());
    });
  }

  @Test
  void activationSupersedeDisableEnableDelete_areDelivered() {
    Session s = tether.createSession("alice");
    ConnectionRequest a = s.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(a.redirectUrl(), "a"));
    ConnectionRequest b = s.authorize("gmail");
    tether.handleCallback(FakeToolkitProvider.approve(b.redirectUrl(), "b"));
    tether.disable(b.id());
    tether.enable(b.id());
    tether.delete(b.id());
    assertThat(events).extracting(e -> e.accountId() + ":" + e.previousStatus().map(Enum::name).orElse("new")
        + "->" + e.status() + (e.type() == ConnectionEvent.Type.DELETED ? "(deleted)" : "")).containsExactly(
        a.id() + ":new->INITIATED",
        a.id() + ":INITIATED->ACTIVE",
        b.id() + ":new->INITIATED",
        b.id() + ":INITIATED->ACTIVE",
        a.id() + ":ACTIVE->INACTIVE",
        b.id() + ":ACTIVE->INACTIVE",
        b.id() + ":INACTIVE->ACTIVE",
        b.id() + ":ACTIVE->ACTIVE(deleted)");
  }

  @Test
  void linkExpiry_isDeliveredOnCleanUp() {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    events.clear();
    clock.advance(java.time.Duration.ofMinutes(10));
    tether.cleanUp();
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.accountId()).isEqualTo(r.id());
      assertThat(e.status()).isEqualTo(ConnectionStatus.EXPIRED);
      assertThat(e.reason()).contains("link_expired");
    });
  }

  @Test
  void linkExpiry_isDeliveredByTheNextAuthorize_withoutCleanUp() {
    Session s = tether.createSession("alice");
    ConnectionRequest r = s.authorize("gmail");
    clock.advance(java.time.Duration.ofMinutes(10));
    events.clear();
    tether.createSession("bob").authorize("github"); // any later write drains what expired
    assertThat(events).anySatisfy(e -> {
      assertThat(e.accountId()).isEqualTo(r.id());
      assertThat(e.status()).isEqualTo(ConnectionStatus.EXPIRED);
    });
  }

  /** Maintenance run on a caller's thread takes time; what the operation then writes is timed after it. */
  @Test
  void anOperationThatRanMaintenance_isTimedAfterIt() {
    tether.createSession("alice").authorize("gmail");
    Session bob = tether.createSession("bob");
    tether.addListener(e -> {
      if (e.status() == ConnectionStatus.EXPIRED) {
        clock.advance(java.time.Duration.ofSeconds(30)); // the slice's work takes engine time
      }
    });
    clock.advance(java.time.Duration.ofMinutes(10));
    java.time.Instant beforeTheSlice = clock.instant();
    ConnectionRequest next = bob.authorize("github"); // runs the slice that expires alice's link
    assertThat(tether.account(next.id()).orElseThrow().createdAt()).isEqualTo(beforeTheSlice.plusSeconds(30));
  }

  @Test
  void throwingListener_isLoggedAndSkipped_othersStillCalled_engineUnaffected() {
    List<ConnectionEvent> after = new CopyOnWriteArrayList<>();
    tether.addListener(e -> {
      throw new IllegalStateException("listener bug");
    });
    tether.addListener(after::add);
    Session s = tether.createSession("alice");
    ConnectionRequest r = s.authorize("gmail");
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "c"));

    assertThat(result.successful()).isTrue();
    assertThat(tether.account(r.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(after).hasSize(2);
    assertThat(events).hasSize(2);
    assertThat(logged).hasSize(2).allSatisfy(rec -> {
      assertThat(rec.getLevel()).isEqualTo(java.util.logging.Level.WARNING);
      assertThat(rec.getThrown()).hasMessage("listener bug");
    });
  }

  @Test
  void removedListener_getsNothing() {
    List<ConnectionEvent> mine = new CopyOnWriteArrayList<>();
    ConnectionListener listener = mine::add;
    tether.addListener(listener);
    assertThat(tether.removeListener(listener)).isTrue();
    tether.createSession("alice").authorize("gmail");
    assertThat(mine).isEmpty();
  }
}

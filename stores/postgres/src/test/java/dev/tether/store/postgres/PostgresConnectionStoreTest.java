package dev.tether.store.postgres;

import static dev.tether.store.postgres.StoreValues.T0;
import static dev.tether.store.postgres.StoreValues.active;
import static dev.tether.store.postgres.StoreValues.fingerprint;
import static dev.tether.store.postgres.StoreValues.fingerprints;
import static dev.tether.store.postgres.StoreValues.flow;
import static dev.tether.store.postgres.StoreValues.oauth;
import static dev.tether.store.postgres.StoreValues.pending;
import static dev.tether.store.postgres.StoreValues.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.SessionOptions;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoreListener;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The store's operations against a real PostgreSQL, one fresh schema per test. */
class PostgresConnectionStoreTest {
  private static final long WAIT_SECONDS = 10;
  private final PostgresFixture db = new PostgresFixture();

  @AfterEach
  void close() throws Exception {
    db.close();
  }

  // ---------------------------------------------------------------- sessions

  @Test
  void session_roundTripsEveryValue() {
    PostgresConnectionStore store = db.store();
    SessionOptions options = SessionOptions.builder().manageConnections(false)
        .callbackUrl(URI.create("https://app.example.com/back?src=x")).toolkits("gmail", "github")
        .pinAccount("gmail", "ca_pinned").multiAccount(3).build();
    StoredSession s = new StoredSession("trs_1", "user-é", options, T0, T0.plusNanos(1), Secret.of("bearer-secret"));
    store.putSession(s);

    StoredSession read = db.store().session("trs_1").orElseThrow();
    assertThat(read.userId()).isEqualTo("user-é");
    assertThat(read.options()).isEqualTo(options);
    assertThat(read.createdAt()).isEqualTo(T0);
    assertThat(read.lastUsedAt()).isEqualTo(T0.plusNanos(1));
    assertThat(read.bearer().reveal()).isEqualTo("bearer-secret");
    assertThat(store.session("trs_missing")).isEmpty();
  }

  @Test
  void touchSession_writesAUseOncePerInterval_andNeverGoesBack() {
    PostgresConnectionStore store = db.track(db.builder().sessionTouchInterval(Duration.ofMinutes(1)).build());
    store.putSession(new StoredSession("trs_1", "u", SessionOptions.defaults(), T0, T0, Secret.of("b")));

    store.touchSession("trs_1", T0.plusSeconds(10));
    assertThat(store.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(70));
    store.touchSession("trs_1", T0.plusSeconds(30)); // within the credited minute: no write
    assertThat(store.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(70));
    store.touchSession("trs_1", T0.plusSeconds(71));
    assertThat(store.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(131));

    PostgresConnectionStore exact = db.track(db.builder().sessionTouchInterval(Duration.ZERO).build());
    exact.touchSession("trs_1", T0.plusSeconds(200));
    assertThat(exact.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(200));
    exact.touchSession("trs_1", T0.plusSeconds(150));
    assertThat(exact.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(200));
  }

  @Test
  void removeSessionsIdleSince_removesOnlyIdleOnes_upToTheLimit() {
    PostgresConnectionStore store = db.store();
    for (int i = 0; i < 5; i++) {
      store.putSession(new StoredSession("trs_" + i, "u", SessionOptions.defaults(), T0, T0.plusSeconds(i),
          Secret.of("b")));
    }
    assertThat(store.removeSessionsIdleSince(T0.plusSeconds(3), 2)).isEqualTo(2);
    assertThat(store.removeSessionsIdleSince(T0.plusSeconds(3), 10)).isEqualTo(2);
    assertThat(store.session("trs_3")).isEmpty();
    assertThat(store.session("trs_4")).isPresent();
  }

  // ---------------------------------------------------------------- accounts

  @Test
  void accounts_roundTripEveryValue_inCreationOrder() {
    PostgresConnectionStore store = db.store();
    StoredAccount a = active("ca_a", "alice", "gmail", T0, oauth("at-1", "rt-1", T0.plusSeconds(3600).plusNanos(5)));
    StoredAccount b = pending("ca_b", "alice", "gmail", T0, T0.plusSeconds(600));
    StoredAccount failed = StoredAccount.builder("ca_c", "alice", "gmail", ConnectionStatus.FAILED, T0.plusNanos(1))
        .statusReason("access_denied").exclusive(false).build();
    assertThat(store.commit(put(store.slot("alice", "gmail"), a, b, failed))).isTrue();

    Slot slot = db.store().slot("alice", "gmail");
    assertThat(slot.version()).isEqualTo(1);
    assertThat(fingerprints(slot.accounts())).containsExactly(fingerprint(a), fingerprint(b), fingerprint(failed));
    assertThat(fingerprint(store.account("ca_a").orElseThrow())).isEqualTo(fingerprint(a));
    assertThat(fingerprints(store.accountsOf("alice"))).containsExactly(fingerprint(a), fingerprint(b),
        fingerprint(failed));
    assertThat(store.allAccounts()).hasSize(3);
    assertThat(store.account("ca_none")).isEmpty();
    assertThat(store.slot("bob", "gmail")).satisfies(s -> {
      assertThat(s.accounts()).isEmpty();
      assertThat(s.version()).isZero();
    });
  }

  @Test
  void commit_againstAChangedSlot_isRefusedWhole() {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    assertThat(one.commit(put(one.slot("alice", "gmail"), a))).isTrue();

    Slot readByOne = one.slot("alice", "gmail");
    Slot readByTwo = two.slot("alice", "gmail");
    StoredAccount active = active("ca_a", "alice", "gmail", T0, oauth("at", "rt", T0.plusSeconds(60)));
    StoredAccount other = pending("ca_b", "alice", "gmail", T0, T0.plusSeconds(600));
    assertThat(one.commit(new SlotCommit(readByOne, List.of(active), List.of(), List.of(flow("k1", active, true)),
        List.of()))).isTrue();
    assertThat(two.commit(new SlotCommit(readByTwo, List.of(other), List.of("ca_a"), List.of(flow("k2", other, true)),
        List.of()))).isFalse();

    assertThat(fingerprints(two.slot("alice", "gmail").accounts())).containsExactly(fingerprint(active));
    assertThat(two.flow("k2")).isEmpty();
    assertThat(two.flow("k1")).isPresent();
  }

  @Test
  void commit_toANewPair_fromTwoNodesAtOnce_appliesOne() {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    Slot empty = Slot.empty("bob", "github");
    assertThat(one.commit(put(empty, pending("ca_1", "bob", "github", T0, T0.plusSeconds(1))))).isTrue();
    assertThat(two.commit(put(empty, pending("ca_2", "bob", "github", T0, T0.plusSeconds(1))))).isFalse();
    assertThat(two.slot("bob", "github").accounts()).extracting(StoredAccount::id).containsExactly("ca_1");
  }

  @Test
  void commit_removesAccountsAndTheirLeases() {
    PostgresConnectionStore store = db.store();
    StoredAccount a = active("ca_a", "alice", "gmail", T0, oauth("at", "rt", T0.plusSeconds(60)));
    store.commit(put(store.slot("alice", "gmail"), a));
    assertThat(store.tryLease("ca_a", "h1", T0, T0.plusSeconds(60))).isTrue();

    assertThat(store.commit(new SlotCommit(store.slot("alice", "gmail"), List.of(), List.of("ca_a"), List.of(),
        List.of()))).isTrue();
    assertThat(store.account("ca_a")).isEmpty();
    assertThat(store.slot("alice", "gmail").version()).isEqualTo(2);
    assertThat(store.tryLease("ca_a", "h2", T0, T0.plusSeconds(60))).isTrue();
  }

  @Test
  void sweeps_returnDueRowsInOrder_upToTheLimit() {
    PostgresConnectionStore store = db.store();
    for (int i = 0; i < 5; i++) {
      store.commit(put(store.slot("u" + i, "gmail"), pending("ca_p" + i, "u" + i, "gmail", T0,
          T0.plusSeconds(10 - i))));
      store.commit(put(store.slot("u" + i, "github"), active("ca_a" + i, "u" + i, "github", T0,
          oauth("at", "rt", T0.plusSeconds(100 + i)))));
    }
    assertThat(store.linksExpiredBy(T0.plusSeconds(8), 2)).extracting(StoredAccount::id)
        .containsExactly("ca_p4", "ca_p3");
    assertThat(store.linksExpiredBy(T0.plusSeconds(8), 10)).hasSize(3);
    assertThat(store.linksExpiredBy(T0, 10)).isEmpty();
    assertThat(store.refreshDueBy(T0.plusSeconds(102), 10)).extracting(StoredAccount::id)
        .containsExactly("ca_a0", "ca_a1", "ca_a2");
    assertThat(store.refreshDueBy(T0.plusSeconds(102), 1)).hasSize(1);
  }

  // ---------------------------------------------------------------- flows

  @Test
  void flow_roundTripsEveryValue_andTheFirstAttachedLinkWins() {
    PostgresConnectionStore store = db.store();
    StoredAccount a = pending("ca_a", "alice", "zendesk", T0, T0.plusSeconds(600));
    StoredFlow withLink = flow("key1", a, true);
    StoredFlow withForm = flow("key2", a, false);
    store.commit(new SlotCommit(store.slot("alice", "zendesk"), List.of(a), List.of(), List.of(withLink, withForm),
        List.of()));

    assertThat(fingerprint(store.flow("key1").orElseThrow())).isEqualTo(fingerprint(withLink));
    assertThat(fingerprint(store.flow("key2").orElseThrow())).isEqualTo(fingerprint(withForm));
    AuthorizationLink first = AuthorizationLink.of("https://acme.zendesk.com/auth?state=s1", Map.of("k", "v"));
    AuthorizationLink second = AuthorizationLink.of("https://other.zendesk.com/auth?state=s1");
    assertThat(store.attachLink("key2", first)).contains(first);
    assertThat(db.store().attachLink("key2", second)).contains(first);
    assertThat(store.flow("key2").orElseThrow().link()).contains(first);
    assertThat(store.attachLink("nope", first)).isEmpty();
  }

  @Test
  void claimFlow_from32RacingThreadsOnTwoNodes_isWonOnce_andEveryLaterClaimGetsTheOutcome() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    one.commit(new SlotCommit(one.slot("alice", "gmail"), List.of(a), List.of(), List.of(flow("k", a, true)),
        List.of()));

    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<FlowClaim>> claims = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        PostgresConnectionStore node = i % 2 == 0 ? one : two;
        String claimant = "at_" + i;
        claims.add(pool.submit(() -> {
          go.await();
          return node.claimFlow("k", claimant, T0, T0.plusSeconds(120));
        }));
      }
      go.countDown();
      List<FlowClaim.Kind> kinds = new ArrayList<>();
      for (Future<FlowClaim> f : claims) {
        kinds.add(f.get(WAIT_SECONDS, TimeUnit.SECONDS).kind());
      }
      assertThat(Collections.frequency(kinds, FlowClaim.Kind.CLAIMED)).isEqualTo(1);
      assertThat(Collections.frequency(kinds, FlowClaim.Kind.BUSY)).isEqualTo(31);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void claimFlow_completeReleaseAndLapse() {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    one.commit(new SlotCommit(one.slot("alice", "gmail"), List.of(a), List.of(), List.of(flow("k", a, true)),
        List.of()));

    assertThat(one.claimFlow("missing", "x", T0, T0.plusSeconds(1)).kind()).isEqualTo(FlowClaim.Kind.UNKNOWN);
    assertThat(one.claimFlow("k", "first", T0, T0.plusSeconds(120)).kind()).isEqualTo(FlowClaim.Kind.CLAIMED);
    FlowClaim busy = two.claimFlow("k", "second", T0.plusSeconds(1), T0.plusSeconds(121));
    assertThat(busy.kind()).isEqualTo(FlowClaim.Kind.BUSY);
    assertThat(busy.busyUntil()).contains(T0.plusSeconds(120));
    assertThat(one.claimFlow("k", "first", T0, T0.plusSeconds(120)).kind()).as("the holder again")
        .isEqualTo(FlowClaim.Kind.CLAIMED);

    one.releaseFlow("k", "first");
    assertThat(two.claimFlow("k", "second", T0.plusSeconds(2), T0.plusSeconds(122)).kind())
        .isEqualTo(FlowClaim.Kind.CLAIMED);
    // The second claimant's node dies; its claim lapses and a third takes over.
    assertThat(one.claimFlow("k", "third", T0.plusSeconds(122), T0.plusSeconds(242)).kind())
        .isEqualTo(FlowClaim.Kind.CLAIMED);
    assertThat(two.completeFlow("k", "second", StoreValues.success("ca_a"))).as("a lapsed claim completes nothing")
        .isFalse();
    CallbackResult outcome = StoreValues.success("ca_a");
    assertThat(one.completeFlow("k", "third", outcome)).isTrue();
    assertThat(one.completeFlow("k", "third", outcome)).isFalse();

    FlowClaim done = two.claimFlow("k", "fourth", T0.plusSeconds(300), T0.plusSeconds(420));
    assertThat(done.kind()).isEqualTo(FlowClaim.Kind.DONE);
    assertThat(done.outcome()).contains(outcome);
  }

  @Test
  void removeFlowsExpiredBy_removesDueFlows_andSettlesTheirWaitersOnEveryNode() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    BlockingQueue<String> settledOnTwo = new LinkedBlockingQueue<>();
    two.subscribe(recorder(new LinkedBlockingQueue<>(), settledOnTwo));
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    StoredFlow soon = flow("soon", a, true);
    StoredFlow later = new StoredFlow("later", a.id(), a.userId(), a.toolkit(), Secret.of("s"), Secret.of("v"),
        soon.redirectUri(), soon.callbackUrl(), soon.link(), List.of(), T0.plusSeconds(900), true);
    one.commit(new SlotCommit(one.slot("alice", "gmail"), List.of(a), List.of(), List.of(soon, later), List.of()));

    assertThat(one.removeFlowsExpiredBy(T0.plusSeconds(600), 10)).isEqualTo(1);
    assertThat(one.flow("soon")).isEmpty();
    assertThat(one.flow("later")).isPresent();
    assertThat(settledOnTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("soon");
  }

  // ---------------------------------------------------------------- leases

  @Test
  void tryLease_isHeldByOne_untilReleasedOrLapsed() {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    assertThat(one.tryLease("ca_a", "h1", T0, T0.plusSeconds(60))).isTrue();
    assertThat(two.tryLease("ca_a", "h2", T0.plusSeconds(1), T0.plusSeconds(61))).isFalse();
    assertThat(one.tryLease("ca_a", "h1", T0.plusSeconds(2), T0.plusSeconds(62))).as("the holder again").isTrue();
    two.releaseLease("ca_a", "h2"); // not the holder: nothing happens
    assertThat(two.tryLease("ca_a", "h2", T0.plusSeconds(3), T0.plusSeconds(63))).isFalse();
    assertThat(two.tryLease("ca_a", "h2", T0.plusSeconds(62), T0.plusSeconds(122))).as("lapsed").isTrue();
    two.releaseLease("ca_a", "h2");
    assertThat(one.tryLease("ca_a", "h3", T0.plusSeconds(63), T0.plusSeconds(123))).isTrue();
  }

  // ---------------------------------------------------------------- change feed

  @Test
  void changes_reachTheOtherNodesListeners_andTheirCaches() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    BlockingQueue<ConnectionEvent> onOne = new LinkedBlockingQueue<>();
    BlockingQueue<ConnectionEvent> onTwo = new LinkedBlockingQueue<>();
    BlockingQueue<String> flowsOnTwo = new LinkedBlockingQueue<>();
    one.subscribe(recorder(onOne, new LinkedBlockingQueue<>()));
    two.subscribe(recorder(onTwo, flowsOnTwo));
    awaitListening(one, two);

    assertThat(two.slot("alice", "gmail").accounts()).isEmpty(); // now cached on two
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    one.commit(new SlotCommit(one.slot("alice", "gmail"), List.of(a), List.of(), List.of(flow("k", a, true)),
        List.of(StoreValues.created(a))));

    assertThat(onOne.poll()).as("the committing node hears its own change at once").isNotNull();
    ConnectionEvent heard = onTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(heard).isEqualTo(StoreValues.created(a));
    assertThat(two.slot("alice", "gmail").accounts()).extracting(StoredAccount::id).containsExactly("ca_a");

    one.claimFlow("k", "c", T0, T0.plusSeconds(60));
    one.completeFlow("k", "c", StoreValues.success("ca_a"));
    assertThat(flowsOnTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("k");

    ConnectionEvent failed = new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED, a.view(), Optional.empty(),
        Optional.of("http_503"), T0);
    one.announce(failed);
    assertThat(onTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(failed);
    assertThat(onOne).hasSize(1);
  }

  @Test
  void manyLargeEvents_areSplitBelowThePayloadLimit() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    BlockingQueue<ConnectionEvent> onTwo = new LinkedBlockingQueue<>();
    two.subscribe(recorder(onTwo, new LinkedBlockingQueue<>()));
    awaitListening(one, two);
    String user = "u".repeat(256);
    List<StoredAccount> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(StoredAccount.builder("ca_" + i, user, "gmail", ConnectionStatus.FAILED, T0)
          .statusReason("reason_" + "x".repeat(100)).build());
    }
    assertThat(one.commit(put(one.slot(user, "gmail"), many.toArray(new StoredAccount[0])))).isTrue();
    for (int i = 0; i < 40; i++) {
      assertThat(onTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(ConnectionEvent::accountId)
          .isEqualTo("ca_" + i);
    }
  }

  @Test
  void aDroppedFeedConnection_reconnects_andEveryListenerLooksAgain() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    Semaphore resynchronized = new Semaphore(0);
    BlockingQueue<ConnectionEvent> onTwo = new LinkedBlockingQueue<>();
    two.subscribe(new StoreListener() {
      @Override
      public void accountChanged(ConnectionEvent event) {
        onTwo.add(event);
      }

      @Override
      public void flowSettled(String flowKey) {}

      @Override
      public void resynchronize() {
        resynchronized.release();
      }
    });
    awaitListening(one, two);
    resynchronized.drainPermits();

    two.reconnectFeed(); // the network drops the feed's connection
    assertThat(resynchronized.tryAcquire(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    awaitListening(two);

    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    one.commit(put(one.slot("alice", "gmail"), a));
    assertThat(onTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void aCommitsCacheEntry_neverHidesAnotherNodesLaterChange() throws Exception {
    PausingDataSource pausing = new PausingDataSource(db.pool(4));
    PostgresConnectionStore one = db.track(db.builder(pausing.dataSource())
        .listenerDataSource(db.server.dataSource()).build());
    PostgresConnectionStore two = db.store();
    BlockingQueue<ConnectionEvent> onOne = new LinkedBlockingQueue<>();
    one.subscribe(recorder(onOne, new LinkedBlockingQueue<>()));
    awaitListening(one, two);
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, T0.plusSeconds(600));
    assertThat(one.commit(put(one.slot("alice", "gmail"), a))).isTrue();
    Slot first = one.slot("alice", "gmail");
    onOne.clear();

    // One's commit has run in the database, but its thread has not come back yet...
    StoredAccount b = pending("ca_b", "alice", "gmail", T0.plusNanos(1), T0.plusSeconds(600));
    ExecutorService slow = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> committing = slow.submit(() -> {
        pausing.pauseThisThread();
        return one.commit(put(first, b));
      });
      assertThat(pausing.awaitPaused()).isTrue();
      // ...when two changes the pair after it, and one hears of that change.
      StoredAccount c = pending("ca_c", "alice", "gmail", T0.plusNanos(2), T0.plusSeconds(600));
      assertThat(two.commit(put(two.slot("alice", "gmail"), c))).isTrue();
      assertThat(onOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).extracting(ConnectionEvent::accountId)
          .isEqualTo("ca_c");
      pausing.release();
      assertThat(committing.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    } finally {
      slow.shutdownNow();
    }

    Slot now = one.slot("alice", "gmail");
    assertThat(now.version()).as("one's own commit does not put back a slot older than the change it heard of")
        .isEqualTo(3);
    assertThat(now.accounts()).extracting(StoredAccount::id).containsExactly("ca_a", "ca_b", "ca_c");
  }

  @Test
  void aSessionUseRecordedByThisNode_neverHidesAnotherNodesLaterUse() throws Exception {
    PausingDataSource pausing = new PausingDataSource(db.pool(4));
    PostgresConnectionStore one = db.track(db.builder(pausing.dataSource())
        .listenerDataSource(db.server.dataSource()).sessionTouchInterval(Duration.ZERO).build());
    PostgresConnectionStore two = db.track(db.builder().sessionTouchInterval(Duration.ZERO).build());
    BlockingQueue<ConnectionEvent> onOne = new LinkedBlockingQueue<>();
    one.subscribe(recorder(onOne, new LinkedBlockingQueue<>()));
    awaitListening(one, two);
    one.putSession(new StoredSession("trs_1", "alice", SessionOptions.defaults(), T0, T0, Secret.of("b")));
    assertThat(one.session("trs_1")).isPresent(); // cached on one

    ExecutorService slow = Executors.newSingleThreadExecutor();
    try {
      Future<?> touching = slow.submit(() -> {
        pausing.pauseThisThread();
        one.touchSession("trs_1", T0.plusSeconds(10));
      });
      assertThat(pausing.awaitPaused()).isTrue();
      two.touchSession("trs_1", T0.plusSeconds(20));
      // Notifications arrive in commit order: once one hears this, it has heard of two's use.
      ConnectionEvent marker = new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED,
          pending("ca_m", "alice", "gmail", T0, T0.plusSeconds(1)).view(), Optional.empty(), Optional.of("marker"), T0);
      two.announce(marker);
      assertThat(onOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(marker);
      pausing.release();
      touching.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } finally {
      slow.shutdownNow();
    }

    assertThat(one.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(20));
  }

  @Test
  void aSessionRemovedByAnotherNode_isGoneOnEveryNode() throws Exception {
    PostgresConnectionStore one = db.store();
    PostgresConnectionStore two = db.store();
    BlockingQueue<ConnectionEvent> onTwo = new LinkedBlockingQueue<>();
    two.subscribe(recorder(onTwo, new LinkedBlockingQueue<>()));
    awaitListening(one, two);
    one.putSession(new StoredSession("trs_1", "alice", SessionOptions.defaults(), T0, T0, Secret.of("b")));
    assertThat(two.session("trs_1")).isPresent(); // cached on two

    assertThat(one.removeSessionsIdleSince(T0, 10)).isEqualTo(1);
    // Notifications arrive in commit order: once two hears this, it has heard of the removal.
    ConnectionEvent marker = new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED,
        pending("ca_m", "alice", "gmail", T0, T0.plusSeconds(1)).view(), Optional.empty(), Optional.of("marker"), T0);
    one.announce(marker);
    assertThat(onTwo.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(marker);

    assertThat(two.session("trs_1")).as("ConnectionStore#session: empty once removed").isEmpty();
  }

  @Test
  void leases_withAMissingArgument_nameIt() {
    PostgresConnectionStore store = db.store();
    assertThatThrownBy(() -> store.tryLease("ca_a", "h", null, T0)).isInstanceOf(NullPointerException.class)
        .hasMessage("now");
    assertThatThrownBy(() -> store.tryLease("ca_a", "h", T0, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("until");
    assertThatThrownBy(() -> store.releaseLease(null, "h")).isInstanceOf(NullPointerException.class)
        .hasMessage("accountId");
    assertThatThrownBy(() -> store.releaseLease("ca_a", null)).isInstanceOf(NullPointerException.class)
        .hasMessage("holder");
  }

  static void awaitListening(PostgresConnectionStore... stores) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    for (PostgresConnectionStore s : stores) {
      while (!s.isListening()) {
        assertThat(System.nanoTime()).as("%s listens within %s s", s, WAIT_SECONDS).isLessThan(deadline);
        Thread.onSpinWait();
      }
    }
  }

  static StoreListener recorder(BlockingQueue<ConnectionEvent> events, BlockingQueue<String> flows) {
    return new StoreListener() {
      @Override
      public void accountChanged(ConnectionEvent event) {
        events.add(event);
      }

      @Override
      public void flowSettled(String flowKey) {
        flows.add(flowKey);
      }
    };
  }

}

package dev.tether.testkit;

import static dev.tether.testkit.StoreFixtures.T0;
import static dev.tether.testkit.StoreFixtures.commitFresh;
import static dev.tether.testkit.StoreFixtures.settled;
import static dev.tether.testkit.StoreFixtures.active;
import static dev.tether.testkit.StoreFixtures.assertSameAccount;
import static dev.tether.testkit.StoreFixtures.assertSameAccounts;
import static dev.tether.testkit.StoreFixtures.at;
import static dev.tether.testkit.StoreFixtures.bareFlow;
import static dev.tether.testkit.StoreFixtures.changed;
import static dev.tether.testkit.StoreFixtures.commit;
import static dev.tether.testkit.StoreFixtures.fullFlow;
import static dev.tether.testkit.StoreFixtures.ids;
import static dev.tether.testkit.StoreFixtures.oauth2;
import static dev.tether.testkit.StoreFixtures.outcome;
import static dev.tether.testkit.StoreFixtures.pending;
import static dev.tether.testkit.StoreFixtures.put;
import static dev.tether.testkit.StoreFixtures.race;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.SessionOptions;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.ActionChain;
import org.junit.jupiter.api.Test;

/**
 * The promises of {@link ConnectionStore}, as tests a store author runs against their store: the
 * contract kit of the store SPI. Extend it in your test sources, supply a fresh store, and every
 * promise the SPI's javadoc makes is checked, each by a test of its own:
 *
 * <ul>
 *   <li>every field of {@link StoredSession}, {@link StoredAccount} (each status, full credentials,
 *       the pending link) and {@link StoredFlow} comes back as it was stored;
 *   <li>a slot commit applies whole on a fresh read and is refused whole (accounts, flows, events)
 *       on a stale one; pairs do not conflict; 32 racing commits on one read apply exactly once;
 *   <li>a flow is claimed exactly once by 32 racing claimants; a claim lapses at its lease end, a
 *       release makes it claimable again, only the holder completes it, and every later claim gets
 *       the first outcome; the first attached link wins;
 *   <li>a refresh lease has one holder among 32, is re-entrant, lapses, and is released only by
 *       its holder;
 *   <li>the time queries respect their time and their limit, and an expired link is no longer
 *       listed once the engine's commit expired it;
 *   <li>the change feed delivers applied changes (one thread's in the order it made them), settled
 *       flows and announcements, and stops at unsubscribe; with a {@linkplain #secondHandle second
 *       handle}, across handles;
 *   <li>whole engines ({@code Tether.builder().store(store)}, two of them with a second handle)
 *       driven by random operations stay in step with {@link ConnectionModel} (a jqwik
 *       {@code ActionChain}).
 * </ul>
 *
 * <h2>Using it</h2>
 *
 * <p>Take {@code tether-testkit} in test scope, with JUnit Jupiter (its engine runs the {@code
 * @Test}s; jqwik's engine comes with the testkit and runs the property):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.tether</groupId>
 *   <artifactId>tether-testkit</artifactId>
 *   <version>${tether.version}</version>
 *   <scope>test</scope>
 * </dependency>
 * <dependency>
 *   <groupId>org.junit.jupiter</groupId>
 *   <artifactId>junit-jupiter</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>Then extend the contract with your store. {@link #secondHandle secondHandle} says how a
 * second application node would reach the same data; give one if your store can be shared, and the
 * contract also checks what crosses handles (a change made through one is read, and heard, through
 * the other):
 *
 * <pre>{@code
 * class MyStoreContractTest extends ConnectionStoreContract {
 *   private final List<MyDatabase> opened = new ArrayList<>();
 *
 *   @Override
 *   protected ConnectionStore newStore() {
 *     MyDatabase db = MyDatabase.createEmpty(); // fresh data for every test and every try
 *     opened.add(db);
 *     return new MyStore(db);
 *   }
 *
 *   @Override // a store several application nodes share: a second store on the same data
 *   protected Optional<ConnectionStore> secondHandle(ConnectionStore store) {
 *     return Optional.of(new MyStore(((MyStore) store).database()));
 *   }
 *
 *   @AfterEach // after each Jupiter test
 *   @AfterTry  // and after each try of the jqwik property
 *   void close() {
 *     opened.forEach(MyDatabase::close);
 *     opened.clear();
 *   }
 * }
 * }</pre>
 *
 * <p>The contract calls {@link #newStore()} for every test and every try of the property (over a
 * thousand times) and never closes a store: a store that holds connections or threads closes them
 * in methods annotated as above ({@code org.junit.jupiter.api.AfterEach} and {@code
 * net.jqwik.api.lifecycle.AfterTry}); the PostgreSQL store's own contract test does. The contract
 * checks every {@linkplain ConnectionStore#touchSession session use} exactly: a store that records
 * uses at most so often (as the SPI allows) runs it with that interval off.
 *
 * <p>Name the class {@code *Test} so that Surefire's default includes run it (both engines get the
 * class). The engine property runs jqwik's default 1000 tries; set {@code jqwik.tries.default} in
 * {@code junit-platform.properties} for a slow store. Every wait for another thread or for the
 * change feed gives up after 10 seconds, so a store may deliver its feed asynchronously. The
 * contract's times carry microseconds, not nanoseconds.
 *
 * <p>Not thread-safe; JUnit and jqwik make one instance per test.
 */
public abstract class ConnectionStoreContract {
  private static final int RACERS = 32;

  /** For subclasses. */
  protected ConnectionStoreContract() {}

  /**
   * A new, empty store for one test (or one try of the property).
   *
   * @return a store nobody else uses
   */
  protected abstract ConnectionStore newStore();

  /**
   * A second handle on the backing of {@code store}: what another application node sharing it would
   * open (another connection to the same database). Tests that cross handles are skipped without
   * one, and the engine property then runs one engine instead of two. The in-memory store's second
   * handle is the store itself.
   *
   * @param store a store from {@link #newStore()}
   * @return another handle on the same data, or empty for a store that cannot be shared (the default)
   */
  protected Optional<ConnectionStore> secondHandle(ConnectionStore store) {
    return Optional.empty();
  }

  /** The store and, when there is one, its second handle; else the store twice. */
  private List<ConnectionStore> handles() {
    ConnectionStore store = newStore();
    return List.of(store, secondHandle(store).orElse(store));
  }

  private List<ConnectionStore> twoHandles() {
    ConnectionStore store = newStore();
    Optional<ConnectionStore> other = secondHandle(store);
    assumeTrue(other.isPresent(), "the store offers no second handle (secondHandle)");
    return List.of(store, other.get());
  }

  // ---------------------------------------------------------------- the contract runs whole

  @Example
  void jupiterEngineIsPresent_soTheContractsTestsRun() {
    try {
      Class.forName("org.junit.jupiter.engine.JupiterTestEngine", false, getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      fail("JUnit Jupiter's engine is not on the test class path, so the contract's @Test methods do not run: "
          + "add org.junit.jupiter:junit-jupiter in test scope");
    }
  }

  // ---------------------------------------------------------------- round trips

  @Test
  void session_everyFieldRoundTrips() {
    List<ConnectionStore> h = handles();
    SessionOptions allowList = SessionOptions.builder().manageConnections(false).waitForConnections(true)
        .callbackUrl(URI.create("https://app.example/settings?tab=connections")).toolkits("gmail", "github")
        .pinAccount("gmail", "ca_pinned1").pinAccount("github", "ca_pinned2").multiAccount(4).build();
    SessionOptions denyList = SessionOptions.builder().disableToolkits("slack", "jira").build();
    List<StoredSession> sessions = List.of(
        new StoredSession("trs_allow", "alice", allowList, T0, at(ofMinutes(3)), Secret.of("bearer-allow-0123")),
        new StoredSession("trs_deny", "bob@example.com", denyList, T0, T0, Secret.of("bearer-deny-4567")),
        new StoredSession("trs_default", "carol", SessionOptions.defaults(), at(ofSeconds(1)), at(ofSeconds(1)),
            Secret.of("bearer-default-89")));
    sessions.forEach(h.get(0)::putSession);

    for (StoredSession s : sessions) {
      assertEquals(Optional.of(s), h.get(1).session(s.id()), "session " + s.id());
      StoredSession read = h.get(1).session(s.id()).orElseThrow();
      assertEquals(s.options(), read.options(), "options of " + s.id());
      assertEquals(s.bearer().reveal(), read.bearer().reveal(), "bearer of " + s.id());
    }
    assertEquals(Optional.empty(), h.get(1).session("trs_never"), "a session never stored");
  }

  @Test
  void account_everyStatusAndFieldRoundTrips() {
    List<ConnectionStore> h = handles();
    StoredAccount initiated = StoredAccount.builder("ca_initiated", "alice", "gmail", ConnectionStatus.INITIATED, T0)
        .link("ln_initiated", at(ofMinutes(10)), "https://auth.example/gmail/authorize?state=abc&code_challenge=x")
        .exclusive(true).build();
    StoredAccount activeOne = StoredAccount.builder("ca_active", "alice", "gmail", ConnectionStatus.ACTIVE,
            at(ofSeconds(1))).updatedAt(at(ofSeconds(5))).connectedAt(at(ofSeconds(4))).exclusive(false)
        .credentials(oauth2("ca_active", at(ofHours(1)))).build();
    StoredAccount inactive = StoredAccount.builder("ca_inactive", "alice", "gmail", ConnectionStatus.INACTIVE,
            at(ofSeconds(2))).updatedAt(at(ofSeconds(6))).connectedAt(at(ofSeconds(3))).statusReason("disabled")
        .credentials(Credentials.builder(AuthScheme.API_KEY).accessToken("key-0123456789")
            .attribute("placement", "header").build())
        .build();
    StoredAccount failed = StoredAccount.builder("ca_failed", "alice", "gmail", ConnectionStatus.FAILED,
        at(ofSeconds(3))).updatedAt(at(ofSeconds(7))).statusReason("access_denied").build();
    StoredAccount expired = StoredAccount.builder("ca_expired", "alice", "gmail", ConnectionStatus.EXPIRED,
            at(ofSeconds(4))).updatedAt(at(ofSeconds(8))).connectedAt(at(ofSeconds(4))).statusReason("invalid_grant")
        .build();
    List<StoredAccount> all = List.of(initiated, activeOne, inactive, failed, expired);
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), all, List.of(), List.of(), List.of())));

    for (StoredAccount a : all) {
      assertSameAccount(a, h.get(1).account(a.id()).orElseThrow(() -> new AssertionError(a.id() + " not found")));
    }
    assertSameAccounts(all, settled(h.get(1), "alice", "gmail", r -> r.size() == all.size()), "slot of alice/gmail");
    assertSameAccounts(all, h.get(1).accountsOf("alice"), "accountsOf(alice)");
    assertSameAccounts(all, h.get(1).allAccounts(), "allAccounts()");
    assertEquals(Optional.empty(), h.get(1).account("ca_never"), "an account never stored");
    assertEquals(List.of(), h.get(1).accountsOf("nobody"), "accounts of a user never seen");
    assertEquals(List.of(), h.get(1).slot("alice", "github").accounts(), "a pair never connected");
  }

  @Test
  void flow_withEveryFieldRoundTrips() {
    List<ConnectionStore> h = handles();
    StoredAccount a = pending("ca_f1", "alice", "helpdesk", T0, at(ofMinutes(10)));
    StoredFlow flow = fullFlow("k-full", a, at(ofMinutes(10)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "helpdesk"), List.of(a), List.of(), List.of(flow),
        List.of())));

    StoredFlow read = h.get(1).flow("k-full").orElseThrow(() -> new AssertionError("flow k-full not found"));
    assertEquals(flow, read, "the flow");
    assertEquals(flow.state().reveal(), read.state().reveal(), "state");
    assertEquals(flow.verifier().reveal(), read.verifier().reveal(), "verifier");
    assertEquals(flow.link(), read.link(), "link with its flow state");
    assertEquals(flow.form(), read.form(), "form fields");
    assertEquals(flow.callbackUrl(), read.callbackUrl(), "callback URL");
    assertEquals(Optional.empty(), h.get(1).flow("k-never"), "a flow never stored");
  }

  @Test
  void flow_withoutLinkCallbackUrlOrFormRoundTrips() {
    List<ConnectionStore> h = handles();
    StoredAccount a = pending("ca_f2", "alice", "gmail", T0, at(ofMinutes(10)));
    StoredFlow flow = bareFlow("k-bare", a, at(ofMinutes(10)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), List.of(a), List.of(), List.of(flow),
        List.of())));

    StoredFlow read = h.get(1).flow("k-bare").orElseThrow(() -> new AssertionError("flow k-bare not found"));
    assertEquals(flow, read, "the flow");
    assertEquals(Optional.empty(), read.link(), "no link");
    assertEquals(Optional.empty(), read.callbackUrl(), "no callback URL");
    assertEquals(List.of(), read.form(), "no form");
    assertTrue(read.exclusive(), "exclusive");
  }

  // ---------------------------------------------------------------- slot commits

  @Test
  void commit_onAFreshRead_appliesAccountsFlowsAndEvents() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder feed = new StoreFixtures.Recorder();
    h.get(1).subscribe(feed);
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, at(ofMinutes(10)));
    StoredFlow flow = bareFlow("k-a", a, at(ofMinutes(10)));
    ConnectionEvent event = changed(a, null, T0);
    Slot read = h.get(0).slot("alice", "gmail");
    assertEquals(List.of(), read.accounts(), "a pair never connected reads empty");

    assertTrue(h.get(0).commit(commit(read, List.of(a), List.of(), List.of(flow), List.of(event))), "applied");

    assertSameAccounts(List.of(a), settled(h.get(1), "alice", "gmail", r -> r.size() == 1),
        "the slot after the commit");
    assertEquals(Optional.of(flow), h.get(1).flow("k-a"), "the commit's flow");
    feed.awaitEvent(event);
  }

  @Test
  void commit_againstAStaleRead_isRefusedAndAppliesNothing() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder feed = new StoreFixtures.Recorder();
    h.get(0).subscribe(feed);
    StoredAccount a = pending("ca_a", "alice", "gmail", T0, at(ofMinutes(10)));
    StoredAccount b = pending("ca_b", "alice", "gmail", at(ofSeconds(1)), at(ofMinutes(11)));
    Slot empty = h.get(0).slot("alice", "gmail");
    Slot alsoEmpty = h.get(1).slot("alice", "gmail");
    ConnectionEvent first = changed(a, null, T0);
    assertTrue(h.get(0).commit(commit(empty, List.of(a), List.of(), List.of(), List.of(first))));

    ConnectionEvent refused = changed(b, null, at(ofSeconds(1)));
    assertFalse(h.get(1).commit(commit(alsoEmpty, List.of(b), List.of("ca_a"), List.of(bareFlow("k-b", b,
        at(ofMinutes(11)))), List.of(refused))), "a commit decided on a read from before another commit");
    assertEquals(Optional.empty(), h.get(0).account("ca_b"), "its account was not added");
    assertTrue(h.get(0).account("ca_a").isPresent(), "its removal was not applied");
    assertEquals(Optional.empty(), h.get(0).flow("k-b"), "its flow was not stored");

    // A change to an account (not only a new one) makes a read stale too.
    Slot withA = h.get(0).slot("alice", "gmail");
    StoredAccount aActive = a.toBuilder().status(ConnectionStatus.ACTIVE).updatedAt(at(ofSeconds(2)))
        .connectedAt(at(ofSeconds(2))).credentials(oauth2("ca_a", at(ofHours(1)))).build();
    ConnectionEvent second = changed(aActive, ConnectionStatus.INITIATED, at(ofSeconds(2)));
    assertTrue(h.get(1).commit(commit(withA, List.of(aActive), List.of(), List.of(), List.of(second))));
    assertFalse(h.get(0).commit(commit(withA, List.of(), List.of("ca_a"), List.of(), List.of(refused))),
        "a commit decided before the account changed");
    assertSameAccount(aActive, h.get(0).account("ca_a").orElseThrow());

    feed.awaitEvent(second);
    assertEquals(List.of(first, second), feed.events(), "only the applied commits' events, in order");
  }

  /**
   * A pair emptied and filled again is not the pair a read saw before, though it holds as many
   * accounts (a store that drops an emptied pair must not start its version again where a read may
   * still hold it).
   */
  @Test
  void commit_againstAReadFromBeforeThePairWasEmptiedAndFilledAgain_isRefused() {
    List<ConnectionStore> h = handles();
    StoredAccount a = pending("ca_a", "carol", "gmail", T0, at(ofMinutes(10)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("carol", "gmail"), List.of(a), List.of(), List.of(), List.of())));
    Slot withA = h.get(0).slot("carol", "gmail");
    assertTrue(h.get(1).commit(commit(h.get(1).slot("carol", "gmail"), List.of(), List.of("ca_a"), List.of(),
        List.of())), "emptied");
    StoredAccount b = pending("ca_b", "carol", "gmail", at(ofSeconds(1)), at(ofMinutes(11)));
    assertTrue(h.get(1).commit(commit(h.get(1).slot("carol", "gmail"), List.of(b), List.of(), List.of(), List.of())),
        "filled again");

    StoredAccount c = pending("ca_c", "carol", "gmail", at(ofSeconds(2)), at(ofMinutes(12)));
    assertFalse(h.get(0).commit(commit(withA, List.of(c), List.of(), List.of(), List.of())),
        "a commit decided on the pair as it was before it was emptied");
    assertEquals(List.of("ca_b"), h.get(0).slot("carol", "gmail").accounts().stream().map(StoredAccount::id)
        .collect(Collectors.toList()), "the pair as the two commits left it");
  }

  @Test
  void commit_onDifferentPairs_doNotConflict() {
    List<ConnectionStore> h = handles();
    Slot aliceGmail = h.get(0).slot("alice", "gmail");
    Slot aliceGithub = h.get(0).slot("alice", "github");
    Slot bobGmail = h.get(1).slot("bob", "gmail");
    assertTrue(h.get(1).commit(commit(aliceGithub, List.of(pending("ca_1", "alice", "github", T0, at(ofMinutes(10)))),
        List.of(), List.of(), List.of())), "alice/github");
    assertTrue(h.get(0).commit(commit(bobGmail, List.of(pending("ca_2", "bob", "gmail", T0, at(ofMinutes(10)))),
        List.of(), List.of(), List.of())), "bob/gmail");
    assertTrue(h.get(1).commit(commit(aliceGmail, List.of(pending("ca_3", "alice", "gmail", T0, at(ofMinutes(10)))),
        List.of(), List.of(), List.of())), "alice/gmail, read before the other two pairs changed");
    assertEquals(List.of("ca_1", "ca_3"), ids(sortedById(h.get(0).accountsOf("alice"))), "alice's accounts");
  }

  @Test
  void commit_remove_dropsTheAccountFromEveryRead() {
    List<ConnectionStore> h = handles();
    StoredAccount a = active("ca_a", "alice", "gmail", T0, at(ofHours(1)));
    StoredAccount b = active("ca_b", "alice", "gmail", at(ofSeconds(1)), at(ofHours(1)));
    StoredAccount other = active("ca_c", "alice", "github", at(ofSeconds(2)), at(ofHours(1)));
    put(h.get(0), a, b);
    put(h.get(0), other);

    assertTrue(h.get(1).commit(commit(h.get(1).slot("alice", "gmail"), List.of(), List.of("ca_a"), List.of(),
        List.of())));
    assertEquals(Optional.empty(), h.get(0).account("ca_a"), "account(id)");
    assertEquals(List.of("ca_b"), ids(settled(h.get(0), "alice", "gmail", r -> r.size() == 1)), "slot");
    assertEquals(List.of("ca_b", "ca_c"), ids(h.get(0).accountsOf("alice")), "accountsOf");
    assertEquals(List.of("ca_b", "ca_c"), ids(h.get(0).allAccounts()), "allAccounts");
    assertEquals(List.of(), h.get(0).refreshDueBy(at(ofHours(2)), 10).stream().filter(x -> x.id().equals("ca_a"))
        .collect(Collectors.toList()), "refreshDueBy");

    assertTrue(h.get(1).commit(commit(h.get(1).slot("alice", "gmail"), List.of(), List.of("ca_b"), List.of(),
        List.of())));
    assertEquals(List.of(), settled(h.get(0), "alice", "gmail", List::isEmpty), "the pair's last account removed");
  }

  @Test
  void slotAndAccountsOf_listOldestFirst_whateverTheOrderOfCommits() {
    List<ConnectionStore> h = handles();
    StoredAccount newer = active("ca_newer", "alice", "gmail", at(ofMinutes(2)), at(ofHours(1)));
    StoredAccount older = pending("ca_older", "alice", "gmail", at(ofMinutes(1)), at(ofMinutes(11)));
    StoredAccount oldest = pending("ca_oldest", "alice", "github", T0, at(ofMinutes(10)));
    put(h.get(0), newer); // an engine with a clock a little behind commits after one a little ahead
    put(h.get(1), older);
    put(h.get(0), oldest);
    assertEquals(List.of("ca_older", "ca_newer"), ids(settled(h.get(1), "alice", "gmail", r -> r.size() == 2)), "slot");
    assertEquals(List.of("ca_oldest", "ca_older", "ca_newer"), ids(h.get(1).accountsOf("alice")), "accountsOf");
    assertEquals(List.of("ca_oldest", "ca_older", "ca_newer"), ids(h.get(1).allAccounts()), "allAccounts");
  }

  @Test
  void commit_racingOnOneRead_appliesExactlyOnce() throws Exception {
    List<ConnectionStore> h = handles();
    put(h.get(0), pending("ca_seed", "alice", "gmail", T0, at(ofMinutes(10))));
    Slot read = h.get(0).slot("alice", "gmail");
    List<Boolean> applied = race(RACERS, i -> h.get(i % 2).commit(commit(read,
        List.of(active("ca_r" + i, "alice", "gmail", at(ofSeconds(1)), at(ofHours(1)))), List.of("ca_seed"),
        List.of(), List.of())));

    assertEquals(1, applied.stream().filter(x -> x).count(), "commits applied on one read: " + applied);
    int winner = applied.indexOf(true);
    assertEquals(List.of("ca_r" + winner), ids(settled(h.get(1), "alice", "gmail",
        r -> r.size() == 1 && r.get(0).id().startsWith("ca_r"))), "the winner's change");
  }

  @Test
  void commit_racingReadDecideCommitLoops_loseNoChange() throws Exception {
    List<ConnectionStore> h = handles();
    int writers = 8;
    int each = 10;
    AtomicInteger conflicts = new AtomicInteger();
    race(writers, i -> {
      for (int n = 0; n < each; n++) {
        StoredAccount mine = pending("ca_w" + i + "_" + n, "alice", "gmail", at(ofSeconds(i * each + n)),
            at(ofMinutes(10)));
        for (int attempt = 0; ; attempt++) {
          if (attempt == 10_000) {
            throw new AssertionError("writer " + i + " never committed");
          }
          Slot read = h.get(i % 2).slot("alice", "gmail");
          if (h.get(i % 2).commit(commit(read, List.of(mine), List.of(), List.of(), List.of()))) {
            break;
          }
          conflicts.incrementAndGet();
        }
      }
      return null;
    });
    assertEquals(writers * each, settled(h.get(0), "alice", "gmail", r -> r.size() == writers * each).size(),
        "every writer's accounts, after " + conflicts + " conflicts");
  }

  // ---------------------------------------------------------------- flow claims

  private static StoredFlow storeFlow(ConnectionStore store, String key) {
    StoredAccount a = pending("ca_" + key, "alice", "gmail", T0, at(ofMinutes(10)));
    StoredFlow flow = fullFlow(key, a, at(ofMinutes(10)));
    assertTrue(store.commit(commit(store.slot("alice", "gmail"), List.of(a), List.of(), List.of(flow), List.of())));
    return flow;
  }

  private static FlowClaim claim(ConnectionStore store, String key, String claimant, Instant now) {
    return store.claimFlow(key, claimant, now, now.plus(ofMinutes(2)));
  }

  @Test
  void claimFlow_unknownKey_isUnknown() {
    assertEquals(FlowClaim.Kind.UNKNOWN, claim(newStore(), "k-never", "c1", T0).kind());
  }

  @Test
  void claimFlow_racing32_exactlyOneClaims_thenEveryClaimGetsItsOutcome() throws Exception {
    List<ConnectionStore> h = handles();
    StoredFlow flow = storeFlow(h.get(0), "k-race");
    CallbackResult outcome = outcome(flow);
    List<FlowClaim> claims = race(RACERS, i -> {
      FlowClaim c = claim(h.get(i % 2), "k-race", "claimant-" + i, T0);
      if (c.kind() == FlowClaim.Kind.CLAIMED) {
        assertTrue(h.get(i % 2).completeFlow("k-race", "claimant-" + i, outcome), "the holder completes");
      }
      return c;
    });

    assertEquals(1, claims.stream().filter(c -> c.kind() == FlowClaim.Kind.CLAIMED).count(), "CLAIMED: " + claims);
    for (FlowClaim c : claims) {
      switch (c.kind()) {
        case CLAIMED:
          break;
        case BUSY:
          assertEquals(Optional.of(T0.plus(ofMinutes(2))), c.busyUntil(), "BUSY until the holder's lease end");
          break;
        case DONE:
          assertEquals(Optional.of(outcome), c.outcome(), "DONE with the first outcome");
          break;
        default:
          fail("a racer found " + c);
      }
    }
    for (int i = 0; i < RACERS; i++) {
      assertEquals(FlowClaim.done(outcome), claim(h.get(i % 2), "k-race", "claimant-" + i, at(ofSeconds(1))),
          "claimant-" + i + " after completion");
    }
    assertEquals(FlowClaim.done(outcome), claim(h.get(1), "k-race", "latecomer", at(ofMinutes(5))),
        "a claim after the lease end still gets the outcome");
  }

  @Test
  void releaseFlow_makesItClaimableAgain() {
    List<ConnectionStore> h = handles();
    storeFlow(h.get(0), "k-rel");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-rel", "first", T0).kind());
    assertEquals(FlowClaim.Kind.BUSY, claim(h.get(1), "k-rel", "second", T0).kind(), "while claimed");
    h.get(0).releaseFlow("k-rel", "first");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(1), "k-rel", "second", T0).kind(), "after the release");
  }

  @Test
  void releaseFlow_byANonHolder_changesNothing() {
    List<ConnectionStore> h = handles();
    StoredFlow flow = storeFlow(h.get(0), "k-rel2");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-rel2", "holder", T0).kind());
    h.get(1).releaseFlow("k-rel2", "stranger");
    assertEquals(FlowClaim.Kind.BUSY, claim(h.get(1), "k-rel2", "other", T0).kind(), "still held");
    assertTrue(h.get(0).completeFlow("k-rel2", "holder", outcome(flow)), "the holder still completes it");
    h.get(1).releaseFlow("k-rel2", "holder");
    assertEquals(FlowClaim.done(outcome(flow)), claim(h.get(1), "k-rel2", "other", T0),
        "a completed flow is not released");
  }

  @Test
  void claimFlow_lapsesAtItsLeaseEnd_andANewClaimantTakesOver() {
    List<ConnectionStore> h = handles();
    StoredFlow flow = storeFlow(h.get(0), "k-lapse");
    Instant leaseEnd = T0.plus(ofMinutes(2));
    assertEquals(FlowClaim.Kind.CLAIMED, h.get(0).claimFlow("k-lapse", "crashed", T0, leaseEnd).kind());
    assertEquals(FlowClaim.busy(leaseEnd), claim(h.get(1), "k-lapse", "retry", leaseEnd.minusMillis(1)),
        "just before the lease end");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(1), "k-lapse", "retry", leaseEnd).kind(), "at the lease end");

    CallbackResult late = new CallbackResult(false, Optional.of(flow.accountId()),
        Optional.of(ConnectionStatus.FAILED), Optional.empty(), Optional.of("late"));
    assertFalse(h.get(0).completeFlow("k-lapse", "crashed", late), "the lapsed holder completes nothing");
    assertTrue(h.get(1).completeFlow("k-lapse", "retry", outcome(flow)), "the new holder completes it");
    assertEquals(FlowClaim.done(outcome(flow)), claim(h.get(0), "k-lapse", "crashed", leaseEnd), "its outcome stays");
  }

  @Test
  void completeFlow_byANonHolder_isRefused() {
    List<ConnectionStore> h = handles();
    StoredFlow flow = storeFlow(h.get(0), "k-nh");
    assertFalse(h.get(0).completeFlow("k-nh", "nobody", outcome(flow)), "an unclaimed flow");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-nh", "holder", T0).kind());
    CallbackResult forged = new CallbackResult(false, Optional.of(flow.accountId()),
        Optional.of(ConnectionStatus.FAILED), Optional.empty(), Optional.of("forged"));
    assertFalse(h.get(1).completeFlow("k-nh", "stranger", forged), "a claimant that does not hold it");
    assertEquals(FlowClaim.Kind.BUSY, claim(h.get(1), "k-nh", "other", T0).kind(), "still held, not done");
    // A failed outcome keeps its redirect too: a replay sends the browser where the first went.
    CallbackResult failed = new CallbackResult(false, Optional.of(flow.accountId()),
        Optional.of(ConnectionStatus.FAILED), Optional.of(URI.create("https://app.example/done?from=x&status=failed"
            + "&connected_account_id=" + flow.accountId())), Optional.of("access_denied"));
    assertTrue(h.get(0).completeFlow("k-nh", "holder", failed));
    assertFalse(h.get(0).completeFlow("k-nh", "holder", forged), "a second completion");
    assertEquals(FlowClaim.done(failed), claim(h.get(1), "k-nh", "other", T0), "the first outcome, whole");
    assertFalse(h.get(0).completeFlow("k-never", "holder", forged), "an unknown flow");
  }

  @Test
  void commit_completesAFlowWithTheChange_onlyForItsHolder_andNeverWhenRefused() throws InterruptedException {
    List<ConnectionStore> h = handles();
    StoredFlow flow = storeFlow(h.get(0), "k-cc");
    StoreFixtures.Recorder feed = new StoreFixtures.Recorder();
    h.get(1).subscribe(feed);
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-cc", "holder", T0).kind());
    StoredAccount pendingAccount = h.get(0).account(flow.accountId()).orElseThrow();
    StoredAccount activated = pendingAccount.toBuilder().status(ConnectionStatus.ACTIVE).connectedAt(at(ofSeconds(5)))
        .updatedAt(at(ofSeconds(5))).credentials(oauth2(flow.accountId(), at(ofHours(1)))).build();
    Slot read = h.get(0).slot("alice", "gmail");

    // A commit on a stale read completes nothing.
    put(h.get(1), active("ca_other", "alice", "gmail", at(ofSeconds(1)), at(ofHours(1))));
    assertFalse(h.get(0).commit(new SlotCommit(read, List.of(activated), List.of(), List.of(), List.of(),
        List.of(new SlotCommit.FlowCompletion("k-cc", "holder", outcome(flow))))), "a stale read");
    assertEquals(FlowClaim.Kind.BUSY, claim(h.get(1), "k-cc", "other", T0).kind(), "not completed by a refused commit");

    // A non-holder's completion is ignored; the change itself still applies.
    CallbackResult forged = new CallbackResult(false, Optional.of(flow.accountId()),
        Optional.of(ConnectionStatus.FAILED), Optional.empty(), Optional.of("forged"));
    commitFresh(h.get(0), "alice", "gmail", r -> new SlotCommit(r, List.of(), List.of(), List.of(), List.of(),
        List.of(new SlotCommit.FlowCompletion("k-cc", "stranger", forged))));
    assertEquals(FlowClaim.Kind.BUSY, claim(h.get(1), "k-cc", "other", T0).kind(), "still held, not done");

    commitFresh(h.get(0), "alice", "gmail", r -> new SlotCommit(r, List.of(activated), List.of(), List.of(),
        List.of(), List.of(new SlotCommit.FlowCompletion("k-cc", "holder", outcome(flow)))));
    assertEquals(FlowClaim.done(outcome(flow)), claim(h.get(1), "k-cc", "other", T0), "completed with the change");
    assertEquals(ConnectionStatus.ACTIVE, h.get(1).account(flow.accountId()).orElseThrow().status());
    feed.awaitSettled("k-cc");
  }

  @Test
  void attachLink_firstLinkWins() {
    List<ConnectionStore> h = handles();
    StoredAccount a = pending("ca_form", "alice", "helpdesk", T0, at(ofMinutes(10)));
    StoredFlow flow = bareFlow("k-form", a, at(ofMinutes(10)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "helpdesk"), List.of(a), List.of(), List.of(flow),
        List.of())));
    AuthorizationLink first = new AuthorizationLink(URI.create("https://acme.helpdesk.example/authorize?state=1"),
        Map.of("subdomain", "acme"));
    AuthorizationLink second = AuthorizationLink.of("https://other.helpdesk.example/authorize?state=1");

    assertEquals(Optional.of(first), h.get(0).attachLink("k-form", first), "the first link");
    assertEquals(Optional.of(first), h.get(1).attachLink("k-form", second), "a second link loses");
    assertEquals(Optional.of(first), h.get(1).flow("k-form").orElseThrow().link(), "the flow keeps the first");
    assertEquals(flow.withLink(first), h.get(1).flow("k-form").orElseThrow(), "nothing else changed");
    assertEquals(Optional.empty(), h.get(0).attachLink("k-never", first), "an unknown flow");
  }

  // ---------------------------------------------------------------- refresh leases

  @Test
  void tryLease_racing32_oneHolder() throws Exception {
    List<ConnectionStore> h = handles();
    List<Boolean> held = race(RACERS, i -> h.get(i % 2).tryLease("ca_1", "holder-" + i, T0, at(ofMinutes(1))));
    assertEquals(1, held.stream().filter(x -> x).count(), "holders: " + held);
    String holder = "holder-" + held.indexOf(true);
    assertTrue(h.get(1).tryLease("ca_1", holder, at(ofSeconds(1)), at(ofMinutes(1))), "re-entrant for its holder");
    assertTrue(h.get(0).tryLease("ca_2", "holder-x", T0, at(ofMinutes(1))), "another account's lease is free");
  }

  @Test
  void tryLease_lapsesAtItsEnd_andAnotherTakesOver() {
    List<ConnectionStore> h = handles();
    Instant end = at(ofMinutes(1));
    assertTrue(h.get(0).tryLease("ca_1", "crashed", T0, end));
    assertFalse(h.get(1).tryLease("ca_1", "next", end.minusMillis(1), end.plus(ofMinutes(1))), "before its end");
    assertTrue(h.get(1).tryLease("ca_1", "next", end, end.plus(ofMinutes(1))), "at its end");
    assertFalse(h.get(0).tryLease("ca_1", "crashed", end.plus(ofSeconds(1)), end.plus(ofMinutes(2))),
        "the old holder does not get it back while the new one holds it");
  }

  @Test
  void releaseLease_onlyByItsHolder() {
    List<ConnectionStore> h = handles();
    assertTrue(h.get(0).tryLease("ca_1", "holder", T0, at(ofMinutes(1))));
    h.get(1).releaseLease("ca_1", "stranger");
    assertFalse(h.get(1).tryLease("ca_1", "other", T0, at(ofMinutes(1))), "a stranger's release changes nothing");
    h.get(0).releaseLease("ca_1", "holder");
    assertTrue(h.get(1).tryLease("ca_1", "other", T0, at(ofMinutes(1))), "free after its holder's release");
    h.get(0).releaseLease("ca_never", "anyone"); // nothing to release: no failure
  }

  // ---------------------------------------------------------------- time queries

  @Test
  void linksExpiredBy_respectsTimeAndLimit_oldestFirst_andForgetsAnExpiredLink() {
    List<ConnectionStore> h = handles();
    // Issued in the reverse order of their expiry, in different pairs.
    put(h.get(0), pending("ca_3m", "carol", "gmail", T0, at(ofMinutes(3))));
    put(h.get(1), pending("ca_2m", "bob", "gmail", T0, at(ofMinutes(2))));
    put(h.get(0), pending("ca_1m", "alice", "gmail", T0, at(ofMinutes(1))));
    put(h.get(1), pending("ca_later", "alice", "github", T0, at(ofMinutes(30))));
    put(h.get(0), active("ca_active", "dave", "gmail", T0, at(ofMinutes(1))));

    assertEquals(List.of(), ids(h.get(0).linksExpiredBy(at(ofSeconds(59)), 10)), "before any expiry");
    assertEquals(List.of("ca_1m", "ca_2m"), ids(h.get(1).linksExpiredBy(at(ofMinutes(2)), 10)),
        "at or before the time, oldest first");
    assertEquals(List.of("ca_1m", "ca_2m"), ids(h.get(0).linksExpiredBy(at(ofMinutes(5)), 2)), "the limit");
    assertSameAccount(h.get(0).account("ca_1m").orElseThrow(), h.get(1).linksExpiredBy(at(ofMinutes(1)), 1).get(0));

    // The engine expires ca_1m and ca_2m (a status other than INITIATED drops the link).
    for (String id : List.of("ca_1m", "ca_2m")) {
      StoredAccount due = h.get(0).account(id).orElseThrow();
      StoredAccount expired = due.toBuilder().status(ConnectionStatus.EXPIRED).statusReason("link_expired")
          .updatedAt(at(ofMinutes(5))).build();
      commitFresh(h.get(0), due.userId(), due.toolkit(), read -> commit(read, List.of(expired), List.of(),
          List.of(), List.of(changed(expired, ConnectionStatus.INITIATED, at(ofMinutes(5))))));
    }
    assertEquals(List.of("ca_3m"), ids(h.get(1).linksExpiredBy(at(ofMinutes(5)), 10)), "expired links are gone");
    assertEquals(List.of("ca_3m", "ca_later"), ids(h.get(1).linksExpiredBy(at(ofHours(1)), 10)), "later");
  }

  @Test
  void commit_removesOnlyAccountsOfItsOwnSlot() {
    List<ConnectionStore> h = handles();
    put(h.get(0), active("ca_bob", "bob", "gmail", T0, null));
    commitFresh(h.get(1), "alice", "gmail", read -> commit(read, List.of(), List.of("ca_bob"), List.of(), List.of()));
    assertTrue(h.get(0).account("ca_bob").isPresent(), "another user's account is not this slot's to remove");
    assertEquals(List.of("ca_bob"), ids(h.get(1).accountsOf("bob")));
  }

  @Test
  void linksExpiredBy_followsEveryChangeOfAPendingLink() {
    List<ConnectionStore> h = handles();
    for (String id : List.of("kept", "moved", "connected", "deleted")) {
      put(h.get(0), pending("ca_" + id, id, "gmail", T0, at(ofMinutes(1))));
    }
    StoredAccount kept = h.get(0).account("ca_kept").orElseThrow();
    put(h.get(1), kept.toBuilder().updatedAt(at(ofSeconds(10))).build()); // changed, same link
    put(h.get(1), pending("ca_moved", "moved", "gmail", T0, at(ofMinutes(10)))); // a new link, later
    put(h.get(0), active("ca_connected", "connected", "gmail", T0, null));
    commitFresh(h.get(1), "deleted", "gmail", read -> commit(read, List.of(), List.of("ca_deleted"), List.of(),
        List.of()));

    assertEquals(List.of("ca_kept"), ids(h.get(0).linksExpiredBy(at(ofMinutes(5)), 10)),
        "a link changed in place keeps its time; a replaced, connected or deleted one is not due at the old time");
    put(h.get(0), pending("ca_relinked", "connected", "gmail", T0, at(ofMinutes(20)))); // the user's next link
    assertEquals(List.of("ca_kept", "ca_moved"), ids(h.get(1).linksExpiredBy(at(ofMinutes(10)), 10)),
        "the later link at its own time");
    assertEquals(List.of("ca_kept", "ca_moved", "ca_relinked"), ids(h.get(0).linksExpiredBy(at(ofMinutes(30)), 10)),
        "the connected user's next link at its time");
  }

  @Test
  void refreshDueBy_respectsTimeAndLimit() {
    List<ConnectionStore> h = handles();
    put(h.get(0), active("ca_1h", "alice", "gmail", T0, at(ofHours(1))));
    put(h.get(1), active("ca_2h", "bob", "gmail", T0, at(ofHours(2))));
    put(h.get(0), active("ca_never", "carol", "gmail", T0, null));
    put(h.get(0), StoredAccount.builder("ca_inactive", "dave", "gmail", ConnectionStatus.INACTIVE, T0)
        .connectedAt(T0).credentials(oauth2("ca_inactive", at(ofMinutes(30)))).build());
    put(h.get(1), pending("ca_pending", "erin", "gmail", T0, at(ofMinutes(10))));

    assertEquals(Set.of(), idSet(h.get(0).refreshDueBy(at(ofMinutes(59)), 10)), "nothing due yet");
    assertEquals(Set.of("ca_1h"), idSet(h.get(1).refreshDueBy(at(ofHours(1)), 10)), "at its expiry");
    assertEquals(Set.of("ca_1h", "ca_2h"), idSet(h.get(0).refreshDueBy(at(ofHours(3)), 10)),
        "ACTIVE accounts only, never a token without expiry");
    List<StoredAccount> limited = h.get(0).refreshDueBy(at(ofHours(3)), 1);
    assertEquals(1, limited.size(), "the limit");
    assertSameAccount(h.get(0).account(limited.get(0).id()).orElseThrow(), limited.get(0));
  }

  @Test
  void removeFlowsExpiredBy_respectsTimeAndLimit_andSettlesEach() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder feed = new StoreFixtures.Recorder();
    h.get(1).subscribe(feed);
    for (int m = 1; m <= 3; m++) {
      StoredAccount a = pending("ca_" + m + "m", "user" + m, "gmail", T0, at(ofMinutes(m)));
      assertTrue(h.get(m % 2).commit(commit(h.get(m % 2).slot("user" + m, "gmail"), List.of(a), List.of(),
          List.of(bareFlow("k-" + m + "m", a, at(ofMinutes(m)))), List.of())));
    }
    assertEquals(0, h.get(0).removeFlowsExpiredBy(at(ofSeconds(59)), 10), "before any expiry");
    assertEquals(1, h.get(0).removeFlowsExpiredBy(at(ofMinutes(2)), 1), "the limit");
    assertEquals(1, h.get(1).removeFlowsExpiredBy(at(ofMinutes(2)), 10), "the other one due");
    assertEquals(Optional.empty(), h.get(0).flow("k-1m"));
    assertEquals(Optional.empty(), h.get(0).flow("k-2m"));
    assertTrue(h.get(1).flow("k-3m").isPresent(), "a flow not due stays");
    assertEquals(FlowClaim.Kind.UNKNOWN, claim(h.get(0), "k-1m", "c", at(ofMinutes(2))).kind(), "a removed flow");
    feed.awaitSettled("k-1m");
    feed.awaitSettled("k-2m");
    assertEquals(0, h.get(0).removeFlowsExpiredBy(at(ofMinutes(2)), 10), "nothing left that is due");
  }

  @Test
  void removeFlowsExpiredBy_racing_removesEachFlowOnce() throws Exception {
    List<ConnectionStore> h = handles();
    int flows = 64;
    for (int i = 0; i < flows; i++) {
      StoredAccount a = pending("ca_" + i, "user" + i, "gmail", T0, at(ofMinutes(1)));
      assertTrue(h.get(0).commit(commit(h.get(0).slot("user" + i, "gmail"), List.of(a), List.of(),
          List.of(bareFlow("k-" + i, a, at(ofMinutes(1)))), List.of())));
    }
    List<Integer> removed = race(RACERS, i -> h.get(i % 2).removeFlowsExpiredBy(at(ofMinutes(5)), flows));
    assertEquals(flows, removed.stream().mapToInt(Integer::intValue).sum(),
        "removals counted by racing sweeps (two engines' maintenance): " + removed);
  }

  @Test
  void removeSessionsIdleSince_respectsTimeLimitAndLatestUse() {
    List<ConnectionStore> h = handles();
    for (String id : List.of("trs_t0a", "trs_t0b", "trs_t0c", "trs_used")) {
      h.get(0).putSession(new StoredSession(id, "u", SessionOptions.defaults(), T0, T0, Secret.of("b-" + id)));
    }
    h.get(0).putSession(new StoredSession("trs_5m", "u", SessionOptions.defaults(), T0, at(ofMinutes(5)),
        Secret.of("b-5m")));
    h.get(1).touchSession("trs_used", at(ofMinutes(10)));

    assertEquals(0, h.get(0).removeSessionsIdleSince(T0.minusNanos(1000), 10), "none idle that long");
    assertEquals(2, h.get(0).removeSessionsIdleSince(at(ofMinutes(1)), 2), "the limit");
    assertEquals(1, h.get(1).removeSessionsIdleSince(at(ofMinutes(1)), 10), "the last one idle since T0");
    assertTrue(h.get(0).session("trs_used").isPresent(), "a session used since is kept");
    assertTrue(h.get(0).session("trs_5m").isPresent(), "a session used after the cutoff is kept");
    assertEquals(1, h.get(0).removeSessionsIdleSince(at(ofMinutes(5)), 10), "at its last use");
    assertEquals(Optional.empty(), h.get(1).session("trs_5m"));
    assertEquals(Set.of("trs_used"), Set.of("trs_t0a", "trs_t0b", "trs_t0c", "trs_used", "trs_5m").stream()
        .filter(id -> h.get(1).session(id).isPresent()).collect(Collectors.toSet()), "what is left");
  }

  @Test
  void touchSession_keepsTheLatestTime() {
    List<ConnectionStore> h = handles();
    StoredSession s = new StoredSession("trs_1", "u", SessionOptions.defaults(), T0, T0, Secret.of("b-1"));
    h.get(0).putSession(s);
    h.get(0).touchSession("trs_1", at(ofMinutes(5)));
    h.get(1).touchSession("trs_1", at(ofMinutes(3)));
    assertEquals(at(ofMinutes(5)), h.get(1).session("trs_1").orElseThrow().lastUsedAt(), "an earlier use is ignored");
    assertEquals(s.usedAt(at(ofMinutes(5))), h.get(0).session("trs_1").orElseThrow(), "nothing else changes");
    h.get(0).touchSession("trs_never", at(ofMinutes(5))); // an unknown session: no failure
    assertEquals(Optional.empty(), h.get(0).session("trs_never"), "and no session made up");
  }

  // ---------------------------------------------------------------- change feed

  @Test
  void feed_settlesAFlowOnCompleteReleaseAndRemove() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder feed = new StoreFixtures.Recorder();
    h.get(1).subscribe(feed);
    StoredFlow completed = storeFlow(h.get(0), "k-done");
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-done", "c", T0).kind());
    assertTrue(h.get(0).completeFlow("k-done", "c", outcome(completed)));
    feed.awaitSettled("k-done");

    StoredAccount b = pending("ca_rel", "bob", "gmail", T0, at(ofMinutes(1)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("bob", "gmail"), List.of(b), List.of(),
        List.of(bareFlow("k-rel", b, at(ofMinutes(1)))), List.of())));
    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-rel", "c", T0).kind());
    h.get(0).releaseFlow("k-rel", "c");
    feed.awaitSettled("k-rel");

    StoreFixtures.Recorder removal = new StoreFixtures.Recorder();
    h.get(1).subscribe(removal);
    assertEquals(1, h.get(0).removeFlowsExpiredBy(at(ofMinutes(1)), 10), "k-rel expired");
    removal.awaitSettled("k-rel");
  }

  @Test
  void feed_announceReachesEveryListener() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder one = new StoreFixtures.Recorder();
    StoreFixtures.Recorder two = new StoreFixtures.Recorder();
    h.get(0).subscribe(one);
    h.get(1).subscribe(two);
    StoredAccount a = active("ca_1", "alice", "gmail", T0, at(ofMinutes(1)));
    ConnectionEvent failedRefresh = new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED, a.view(),
        Optional.of(ConnectionStatus.ACTIVE), Optional.of("http_503"), T0);
    h.get(0).announce(failedRefresh);
    one.awaitEvent(failedRefresh);
    two.awaitEvent(failedRefresh);
  }

  @Test
  void feed_closedSubscription_getsNothingMore() throws Exception {
    List<ConnectionStore> h = handles();
    StoreFixtures.Recorder closed = new StoreFixtures.Recorder();
    StoreFixtures.Recorder open = new StoreFixtures.Recorder();
    ConnectionStore.Subscription subscription = h.get(1).subscribe(closed);
    h.get(1).subscribe(open);
    subscription.close();
    StoredAccount a = pending("ca_1", "alice", "gmail", T0, at(ofMinutes(1)));
    ConnectionEvent event = changed(a, null, T0);
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), List.of(a), List.of(),
        List.of(bareFlow("k-1", a, at(ofMinutes(1)))), List.of(event))));
    h.get(0).announce(event);
    assertEquals(1, h.get(0).removeFlowsExpiredBy(at(ofMinutes(1)), 10));
    open.awaitSettled("k-1"); // the last delivery: everything before it reached the closed one, if anything
    assertEquals(List.of(), closed.deliveries(), "deliveries after close");
  }

  @Test
  void handles_aCommitThroughOneIsReadThroughTheOther() {
    List<ConnectionStore> h = twoHandles();
    StoredAccount a = pending("ca_1", "alice", "gmail", T0, at(ofMinutes(10)));
    StoredFlow flow = fullFlow("k-1", a, at(ofMinutes(10)));
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), List.of(a), List.of(), List.of(flow),
        List.of())));
    StoredSession s = new StoredSession("trs_1", "alice", SessionOptions.defaults(), T0, T0, Secret.of("b-1"));
    h.get(0).putSession(s);
    assertSameAccounts(List.of(a), settled(h.get(1), "alice", "gmail", r -> r.size() == 1), "the slot");
    assertEquals(Optional.of(flow), h.get(1).flow("k-1"), "the flow");
    assertEquals(Optional.of(s), h.get(1).session("trs_1"), "the session");
    assertSameAccounts(List.of(a), h.get(1).accountsOf("alice"), "the user's accounts");
  }

  @Test
  void handles_aCommitThroughOneReachesAListenerOfTheOther() throws Exception {
    List<ConnectionStore> h = twoHandles();
    StoreFixtures.Recorder other = new StoreFixtures.Recorder();
    h.get(1).subscribe(other);
    StoredAccount a = pending("ca_1", "alice", "gmail", T0, at(ofMinutes(1)));
    ConnectionEvent created = changed(a, null, T0);
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), List.of(a), List.of(),
        List.of(fullFlow("k-1", a, at(ofMinutes(1)))), List.of(created))));
    other.awaitEvent(created);

    assertEquals(FlowClaim.Kind.CLAIMED, claim(h.get(0), "k-1", "c", T0).kind());
    assertTrue(h.get(0).completeFlow("k-1", "c", outcome(h.get(0).flow("k-1").orElseThrow())));
    other.awaitSettled("k-1");

    ConnectionEvent announced = new ConnectionEvent(ConnectionEvent.Type.REFRESH_FAILED, a.view(),
        Optional.of(ConnectionStatus.INITIATED), Optional.of("http_503"), T0);
    h.get(0).announce(announced);
    other.awaitEvent(announced);
  }

  @Test
  void handles_unsubscribingThroughOneStopsItsDeliveries() throws Exception {
    List<ConnectionStore> h = twoHandles();
    StoreFixtures.Recorder closed = new StoreFixtures.Recorder();
    StoreFixtures.Recorder open = new StoreFixtures.Recorder();
    h.get(1).subscribe(closed).close();
    h.get(1).subscribe(open);
    StoredAccount a = pending("ca_1", "alice", "gmail", T0, at(ofMinutes(1)));
    ConnectionEvent event = changed(a, null, T0);
    assertTrue(h.get(0).commit(commit(h.get(0).slot("alice", "gmail"), List.of(a), List.of(), List.of(),
        List.of(event))));
    open.awaitEvent(event);
    assertEquals(List.of(), closed.deliveries(), "deliveries after close");
  }

  // ---------------------------------------------------------------- whole engines

  /**
   * Random engine operations on this store.
   *
   * @return chains of sessions, meta-tool calls, authorize, callbacks, clock moves, credentials,
   *     disable, enable and delete, spread over one engine per handle
   */
  @Provide
  Arbitrary<ActionChain<SharedStoreEngines.World>> engineRuns() {
    return SharedStoreEngines.chains(() -> {
      ConnectionStore store = newStore();
      List<ConnectionStore> stores = new ArrayList<>();
      stores.add(store);
      secondHandle(store).ifPresent(stores::add);
      return stores;
    });
  }

  @Property
  void engines_onThisStore_followTheModel(@ForAll("engineRuns") ActionChain<SharedStoreEngines.World> chain) {
    chain.withInvariant("accounts match the model", SharedStoreEngines::matchesModel).run();
  }

  // ---------------------------------------------------------------- helpers

  private static Set<String> idSet(List<StoredAccount> accounts) {
    return new HashSet<>(ids(accounts));
  }

  private static List<StoredAccount> sortedById(List<StoredAccount> accounts) {
    List<StoredAccount> out = new ArrayList<>(accounts);
    out.sort(java.util.Comparator.comparing(StoredAccount::id));
    return out;
  }
}

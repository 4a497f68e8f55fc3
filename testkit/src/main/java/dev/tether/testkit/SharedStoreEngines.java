package dev.tether.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.core.AccountNotFoundException;
import dev.tether.core.AccountQuery;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.CredentialsUnavailableException;
import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.core.store.ConnectionStore;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * Whole engines on one store, against {@link ConnectionModel}: one {@link Tether} per handle the
 * store offers (two application nodes sharing a database), each operation on either engine. After
 * every step both engines must show the model's statuses, and no engine's listeners may have heard
 * an account end twice. For {@link ConnectionStoreContract}.
 */
final class SharedStoreEngines {
  private static final List<String> OAUTH = List.of("gmail", "github");
  private static final List<String> USERS = List.of("alice", "bob");

  private SharedStoreEngines() {}

  /** Everything one run touches; built afresh (with a fresh store) for every try and replay. */
  static final class World {
    final TestClock clock = TestClock.standing();
    final FakeToolkitProvider provider = FakeToolkitProvider.builder()
        .oauth2("gmail", "Gmail").oauth2("github", "GitHub").noAuth("hackernews", "Hacker News").build();
    final List<Tether> engines = new ArrayList<>();
    /** What each engine's listeners heard (a store may deliver later, never twice). */
    final List<List<ConnectionEvent>> heard = new ArrayList<>();
    final ConnectionModel model = ConnectionModel.withDefaults();
    final List<String> sessionIds = new ArrayList<>();
    final Map<String, URI> links = new LinkedHashMap<>();
    final Map<String, CallbackResult> firstOutcome = new LinkedHashMap<>();
    final Map<String, Instant> issuedAt = new LinkedHashMap<>();
    int codes;

    World(List<ConnectionStore> stores) {
      for (ConnectionStore store : stores) {
        List<ConnectionEvent> events = new CopyOnWriteArrayList<>();
        heard.add(events);
        engines.add(Tether.builder().redirectUri(URI.create("https://app.test/oauth/callback")).clock(clock)
            .discoverProviders(false).provider(provider).store(store)
            // Runs advance the clock by days; sessions idling out is not what they check.
            .sessionIdleTimeout(Duration.ofDays(365))
            .listener(events::add).build());
      }
    }

    Instant now() {
      return clock.instant();
    }

    /**
     * The engine an action runs on, once every engine has heard every change so far. A store may
     * answer reads from a near cache that its change feed keeps current (the SPI allows it, within the
     * feed's delay), so an action on one engine right after a change on another could see the state
     * before it; the store promises the change reaches every engine, and this waits for that, at most
     * 10 seconds, then fails the run (a feed that never reaches another handle would otherwise make
     * every later step wait its 10 seconds, and the property crawl for hours instead of failing).
     * Transformers hold indices, never objects: jqwik replays them on fresh worlds while shrinking.
     *
     * @throws AssertionError when the engines have not all heard the same changes after 10 seconds
     */
    Tether engine(int index) {
      long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!caughtUp()) {
        if (System.nanoTime() - until > 0) {
          throw new AssertionError("After 10 s the engines sharing the store have heard different numbers of "
              + "changes " + counts() + ": the store's change feed does not deliver every committed change to "
              + "every handle (see StoreListener)");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      return engines.get(index % engines.size());
    }

    private List<Integer> counts() {
      List<Integer> counts = new ArrayList<>();
      for (List<ConnectionEvent> h : heard) {
        counts.add(h.size());
      }
      return counts;
    }

    private boolean caughtUp() {
      int most = 0;
      for (List<ConnectionEvent> h : heard) {
        most = Math.max(most, h.size());
      }
      for (List<ConnectionEvent> h : heard) {
        if (h.size() != most) {
          return false;
        }
      }
      return true;
    }

    /** The session, looked up through {@code engine}: sessions live in the store, not in an engine. */
    Session session(int index, int engine) {
      String id = sessionIds.get(index % sessionIds.size());
      return engine(engine).session(id).orElseThrow(() -> new AssertionError("engine#" + (engine % engines.size())
          + " does not find session " + id + " created through another engine"));
    }

    String link(int index) {
      List<String> ids = List.copyOf(links.keySet());
      return ids.get(index % ids.size());
    }

    void issued(String id, Session s, String toolkit, URI link) {
      model.linkIssued(id, s.userId(), toolkit, now());
      links.put(id, link);
      issuedAt.put(id, now());
    }

    /** A state is known while younger than the link TTL, whatever became of its account. */
    boolean stateKnown(String id) {
      return now().isBefore(issuedAt.get(id).plus(Duration.ofMinutes(10)));
    }

    @Override
    public String toString() {
      return "World[" + engines.size() + " engines, " + now() + ", " + model + "]";
    }
  }

  static Arbitrary<ActionChain<World>> chains(Supplier<List<ConnectionStore>> stores) {
    return ActionChain.startWith(() -> new World(stores.get()))
        .withAction(new CreateSession())
        .withAction(3, new Manage())
        .withAction(2, new Authorize())
        .withAction(3, new Callback())
        .withAction(new ForgedCallback())
        .withAction(2, new AdvanceClock())
        .withAction(2, new AskCredentials())
        .withAction(new DisableEnableDelete())
        .withMaxTransformations(40);
  }

  static void matchesModel(World w) {
    w.model.checkInvariants();
    for (int e = 0; e < w.engines.size(); e++) {
      Tether tether = w.engines.get(e);
      for (String id : w.model.accountIds()) {
        Optional<ConnectionStatus> actual = tether.account(id).map(ConnectedAccount::status);
        if (actual.isEmpty() && w.model.forgettable(id, w.now())) {
          continue; // an abandoned link the engine has already forgotten
        }
        assertEquals(w.model.status(id), actual, "status of " + id + " through engine#" + e);
      }
      Map<String, Long> activePerPair = tether.accounts(AccountQuery.all()).stream()
          .filter(a -> a.status() == ConnectionStatus.ACTIVE)
          .collect(Collectors.groupingBy(a -> a.userId() + "/" + a.toolkit(), Collectors.counting()));
      int engine = e;
      activePerPair.forEach((pair, n) -> assertEquals(1L, n, "ACTIVE accounts of " + pair + " through engine#"
          + engine));
      Map<String, Long> endings = w.heard.get(e).stream()
          .filter(ev -> ev.type() == ConnectionEvent.Type.STATUS_CHANGED && ev.status().isTerminal())
          .collect(Collectors.groupingBy(ConnectionEvent::accountId, Collectors.counting()));
      endings.forEach((id, n) -> assertEquals(1L, n, "the end of " + id + " heard by engine#" + engine));
    }
  }

  static final class CreateSession implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Combinators.combine(Arbitraries.of(USERS), Arbitraries.integers().between(0, 1))
          .as((user, e) -> Transformer.mutate("session for " + user + " on engine#" + e,
              w -> w.sessionIds.add(w.engine(e).createSession(user).id())));
    }
  }

  static final class Manage implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.sessionIds.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      Arbitrary<List<String>> asked = Arbitraries.of("gmail", " GMail", "github", "hackernews", "nope")
          .list().ofMinSize(1).ofMaxSize(5);
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1), asked,
              Arbitraries.of(false, false, true))
          .as((i, e, toolkits, reinit) -> Transformer.mutate("manage session#" + i + " on engine#" + e + " "
              + toolkits + (reinit ? " reinitiate_all" : ""), world -> manage(world, world.session(i, e), toolkits,
              reinit)));
    }

    private static void manage(World w, Session s, List<String> toolkits, boolean reinit) {
      Map<String, ManageConnectionsResult.Status> expected = new LinkedHashMap<>();
      Map<String, Optional<String>> reused = new LinkedHashMap<>();
      for (String raw : toolkits) {
        String slug = raw.strip().toLowerCase(Locale.ROOT);
        if (expected.containsKey(slug)) {
          continue;
        }
        if (slug.equals("nope")) {
          expected.put(slug, ManageConnectionsResult.Status.FAILED);
        } else if (slug.equals("hackernews")) {
          expected.put(slug, ManageConnectionsResult.Status.ACTIVE);
        } else {
          expected.put(slug, w.model.expectedManage(s.userId(), slug, reinit));
          reused.put(slug, w.model.reusesPendingLink(s.userId(), slug, reinit) ? w.model.pending(s.userId(), slug)
              : Optional.empty());
        }
      }
      ManageConnectionsResult result = s.manageConnections(toolkits, reinit);

      assertEquals(List.copyOf(expected.keySet()), List.copyOf(result.results().keySet()), "toolkits answered");
      ManageConnectionsResult.Summary sum = result.summary();
      assertEquals(expected.size(), sum.totalToolkits(), "total");
      assertEquals(sum.totalToolkits(), sum.activeConnections() + sum.initiatedConnections()
          + sum.failedConnections(), "the counts add up");
      expected.forEach((slug, status) -> {
        ManageConnectionsResult.ToolkitResult r = result.results().get(slug);
        assertEquals(status, r.status(), slug);
        if (status == ManageConnectionsResult.Status.ACTIVE && OAUTH.contains(slug)) {
          assertEquals(w.model.active(s.userId(), slug), r.connectedAccountId(), "the ACTIVE account of " + slug);
        }
        if (status == ManageConnectionsResult.Status.INITIATED) {
          String id = r.connectedAccountId().orElseThrow();
          if (reused.get(slug).isPresent()) {
            assertEquals(reused.get(slug).get(), id, "the same pending link for " + slug);
            assertEquals(Optional.of(w.links.get(id)), r.redirectUrl(), "the same link URL for " + slug);
          } else {
            assertEquals(Optional.empty(), w.model.status(id), "a new account for " + slug);
            assertEquals(Optional.of(w.model.active(s.userId(), slug).isPresent()), r.wasReinitiated(),
                "was_reinitiated for " + slug);
            w.issued(id, s, slug, r.redirectUrl().orElseThrow());
          }
        }
      });
    }
  }

  static final class Authorize implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.sessionIds.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1),
              Arbitraries.of(OAUTH))
          .as((i, e, toolkit) -> Transformer.mutate("authorize session#" + i + " on engine#" + e + " " + toolkit,
              world -> {
                Session s = world.session(i, e);
                ConnectionRequest r = s.authorize(toolkit);
                assertEquals(ConnectionStatus.INITIATED, r.status(), "a new request");
                world.issued(r.id(), s, toolkit, r.redirectUrl());
              }));
    }
  }

  static final class Callback implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.links.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1),
              Arbitraries.of(true, true, false))
          .as((i, e, approve) -> Transformer.mutate((approve ? "approve link#" : "deny link#") + i + " on engine#"
              + e, world -> callback(world, world.engine(e), world.link(i), approve)));
    }

    private static void callback(World w, Tether tether, String id, boolean approve) {
      URI link = w.links.get(id);
      Map<String, String> params = approve ? FakeToolkitProvider.approve(link, "code-" + (w.codes++))
          : FakeToolkitProvider.deny(link, "access_denied");
      int exchangesBefore = w.provider.exchangeCount();
      boolean known = w.stateKnown(id);
      boolean connects = approve && w.model.callbackConnects(id, w.now()) && !w.firstOutcome.containsKey(id);
      boolean fails = !approve && w.model.callbackConnects(id, w.now()) && !w.firstOutcome.containsKey(id);

      CallbackResult result = tether.handleCallback(params);

      if (!known) {
        assertFalse(result.successful(), "an unknown state");
        assertEquals(Optional.empty(), result.redirectUrl(), "unknown state: no redirect");
        w.model.timePassed(w.now());
      } else if (w.firstOutcome.containsKey(id)) {
        assertEquals(w.firstOutcome.get(id), result, "a replay, on any engine, gets the first outcome");
      } else {
        w.firstOutcome.put(id, result);
        assertEquals(connects, result.successful(), "the first callback connects");
        if (connects) {
          w.model.connected(id, w.now().plus(Duration.ofHours(1)));
        } else if (fails) {
          w.model.failed(id, w.now());
        }
      }
      assertEquals(connects ? 1 : 0, w.provider.exchangeCount() - exchangesBefore, "exchanges");
    }
  }

  static final class ForgedCallback implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Combinators.combine(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(60),
              Arbitraries.integers().between(0, 1))
          .as((state, e) -> Transformer.mutate("forged state on engine#" + e, w -> {
            CallbackResult r = w.engine(e).handleCallback(Map.of("state", state, "code", "x"));
            assertFalse(r.successful(), "a forged state");
            assertEquals(Optional.empty(), r.redirectUrl(), "a forged state: no redirect");
            assertEquals(Optional.empty(), r.connectedAccountId(), "a forged state: no account");
          }));
    }
  }

  static final class AdvanceClock implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Combinators.combine(Arbitraries.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(9),
              Duration.ofMinutes(11), Duration.ofMinutes(58).plusSeconds(30), Duration.ofHours(2)),
              Arbitraries.integers().between(0, 1))
          .as((d, e) -> Transformer.mutate("advance " + d + ", clean up on engine#" + e, w -> {
            w.clock.advance(d);
            w.model.timePassed(w.now());
            w.engine(e).cleanUp();
          }));
    }
  }

  static final class AskCredentials implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return w.model.accountIds().stream().anyMatch(id -> w.model.status(id).orElse(null) == ConnectionStatus.ACTIVE);
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1),
              Arbitraries.of(true, true, false))
          .as((i, e, refreshWorks) -> Transformer.mutate("credentials active#" + i + " on engine#" + e
              + (refreshWorks ? "" : " (refresh revoked)"),
              world -> credentials(world, world.engine(e), activeAccount(world, i), refreshWorks)));
    }

    private static String activeAccount(World w, int index) {
      List<String> active = w.links.keySet().stream()
          .filter(id -> w.model.status(id).orElse(null) == ConnectionStatus.ACTIVE).collect(Collectors.toList());
      return active.get(index % active.size());
    }

    private static void credentials(World w, Tether tether, String id, boolean refreshWorks) {
      w.provider.onRefresh(refreshWorks
          ? r -> r.credentials().toBuilder().accessToken("refreshed-" + r.now())
              .expiresAt(r.now().plus(Duration.ofHours(1))).build()
          : r -> {
            throw ProviderException.definitive("invalid_grant", "revoked");
          });
      boolean due = w.model.refreshDue(id, w.now());
      int before = w.provider.refreshCount();
      if (due && !refreshWorks) {
        assertThrows(CredentialsUnavailableException.class, () -> tether.credentials(id), "a revoked refresh");
        w.model.tokenDied(id, w.now());
      } else {
        Credentials c = tether.credentials(id);
        assertTrue(c.expiresAt().orElseThrow().isAfter(w.now()), "usable credentials");
        if (due) {
          w.model.refreshed(id, c.expiresAt().orElseThrow());
        }
      }
      assertEquals(due ? 1 : 0, w.provider.refreshCount() - before, "refreshes");
    }
  }

  static final class DisableEnableDelete implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.links.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.integers().between(0, 1),
              Arbitraries.of("disable", "enable", "delete"))
          .as((i, e, op) -> Transformer.mutate(op + " link#" + i + " on engine#" + e,
              world -> apply(world, world.engine(e), world.link(i), op)));
    }

    private static void apply(World w, Tether tether, String id, String op) {
      boolean exists = tether.account(id).isPresent();
      if (exists && w.model.status(id).isEmpty()) {
        fail("the engine knows account " + id + ", which the model does not");
      }
      switch (op) {
        case "disable":
          if (w.model.canDisable(id)) {
            assertEquals(ConnectionStatus.INACTIVE, tether.disable(id).status(), "disabled");
            w.model.disabled(id);
          } else {
            assertRefused(() -> tether.disable(id));
          }
          break;
        case "enable":
          if (w.model.canEnable(id)) {
            assertEquals(ConnectionStatus.ACTIVE, tether.enable(id).status(), "enabled");
            w.model.enabled(id);
          } else {
            assertRefused(() -> tether.enable(id));
          }
          break;
        default:
          assertEquals(exists, tether.delete(id), "deleted");
          w.model.deleted(id);
      }
    }

    private static void assertRefused(Runnable call) {
      try {
        call.run();
        fail("expected IllegalStateException or AccountNotFoundException");
      } catch (IllegalStateException | AccountNotFoundException expected) {
        // refused, as the model says
      }
    }
  }
}

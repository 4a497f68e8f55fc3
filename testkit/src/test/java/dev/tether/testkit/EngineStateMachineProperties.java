package dev.tether.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.AccountNotFoundException;
import dev.tether.core.AccountQuery;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.CredentialsUnavailableException;
import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

/**
 * The whole engine against {@link ConnectionModel}: random sequences of sessions, meta-tool calls
 * (with and without {@code reinitiate_all}), authorize, callbacks (success, provider error,
 * replay, forged state), clock moves across the link TTL and token expiry, credentials/refresh,
 * disable, enable and delete. After every step each account's status must match the model and
 * the single-account rules must hold.
 */
class EngineStateMachineProperties {
  private static final List<String> OAUTH = List.of("gmail", "github");
  private static final List<String> USERS = List.of("alice", "bob");

  /** Everything one run touches. */
  static final class World {
    final TestClock clock = TestClock.standing();
    final FakeToolkitProvider provider = FakeToolkitProvider.builder()
        .oauth2("gmail", "Gmail").oauth2("github", "GitHub").noAuth("hackernews", "Hacker News").build();
    final Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/oauth/callback"))
        .clock(clock).discoverProviders(false).provider(provider).build();
    final ConnectionModel model = ConnectionModel.withDefaults();
    final List<Session> sessions = new ArrayList<>();
    final Map<String, URI> links = new LinkedHashMap<>();
    final Map<String, CallbackResult> firstOutcome = new LinkedHashMap<>();
    final Map<String, String> toolkitOf = new LinkedHashMap<>();
    final Map<String, String> userOf = new LinkedHashMap<>();
    final Map<String, Instant> issuedAt = new LinkedHashMap<>();
    int codes;

    Instant now() {
      return clock.instant();
    }

    /** Transformers hold indices, never objects: jqwik replays them on fresh worlds while shrinking. */
    Session session(int index) {
      return sessions.get(index % sessions.size());
    }

    String link(int index) {
      List<String> ids = List.copyOf(links.keySet());
      return ids.get(index % ids.size());
    }

    void issued(String id, Session s, String toolkit, URI link) {
      model.linkIssued(id, s.userId(), toolkit, now());
      links.put(id, link);
      toolkitOf.put(id, toolkit);
      userOf.put(id, s.userId());
      issuedAt.put(id, now());
    }

    /** A state is known while younger than the link TTL, whatever became of its account. */
    boolean stateKnown(String id) {
      return now().isBefore(issuedAt.get(id).plus(Duration.ofMinutes(10)));
    }

    @Override
    public String toString() {
      return "World[" + now() + ", " + model + "]";
    }
  }

  @Provide
  Arbitrary<ActionChain<World>> chains() {
    return ActionChain.startWith(World::new)
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

  @Property(tries = 1000)
  void engineFollowsTheModel(@ForAll("chains") ActionChain<World> chain) {
    chain.withInvariant("accounts match the model", EngineStateMachineProperties::matchesModel).run();
  }

  static void matchesModel(World w) {
    w.model.checkInvariants();
    for (String id : w.model.accountIds()) {
      Optional<ConnectionStatus> actual = w.tether.account(id).map(ConnectedAccount::status);
      if (actual.isEmpty() && w.model.forgettable(id, w.now())) {
        continue; // an abandoned link the engine has already forgotten
      }
      assertThat(actual).as("status of %s", id).isEqualTo(w.model.status(id));
    }
    Map<String, Long> activePerPair = w.tether.accounts(AccountQuery.all()).stream()
        .filter(a -> a.status() == ConnectionStatus.ACTIVE)
        .collect(Collectors.groupingBy(a -> a.userId() + "/" + a.toolkit(), Collectors.counting()));
    assertThat(activePerPair.values()).as("one ACTIVE account per user and toolkit").allMatch(n -> n == 1);
  }

  static final class CreateSession implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Arbitraries.of(USERS).map(user -> Transformer.mutate("session for " + user,
          w -> w.sessions.add(w.tether.createSession(user))));
    }
  }

  static final class Manage implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.sessions.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      Arbitrary<List<String>> asked = Arbitraries.of("gmail", " GMail", "github", "hackernews", "nope")
          .list().ofMinSize(1).ofMaxSize(5);
      return Combinators.combine(Arbitraries.integers().between(0, 99), asked, Arbitraries.of(false, false, true))
          .as((i, toolkits, reinit) -> Transformer.mutate("manage session#" + i + " " + toolkits
              + (reinit ? " reinitiate_all" : ""), world -> manage(world, world.session(i), toolkits, reinit)));
    }

    private static void manage(World w, Session s, List<String> toolkits, boolean reinit) {
      Map<String, ManageConnectionsResult.Status> expected = new LinkedHashMap<>();
      Map<String, Optional<String>> reused = new LinkedHashMap<>();
      for (String raw : toolkits) {
        String slug = raw.strip().toLowerCase(java.util.Locale.ROOT);
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

      assertThat(result.results().keySet()).containsExactlyElementsOf(expected.keySet());
      ManageConnectionsResult.Summary sum = result.summary();
      assertThat(sum.activeConnections() + sum.initiatedConnections() + sum.failedConnections())
          .isEqualTo(sum.totalToolkits()).isEqualTo(expected.size());
      expected.forEach((slug, status) -> {
        ManageConnectionsResult.ToolkitResult r = result.results().get(slug);
        assertThat(r.status()).as(slug).isEqualTo(status);
        if (status == ManageConnectionsResult.Status.ACTIVE && OAUTH.contains(slug)) {
          assertThat(r.connectedAccountId()).isEqualTo(w.model.active(s.userId(), slug));
        }
        if (status == ManageConnectionsResult.Status.INITIATED) {
          String id = r.connectedAccountId().orElseThrow();
          if (reused.get(slug).isPresent()) {
            assertThat(id).as("same pending link").isEqualTo(reused.get(slug).get());
            assertThat(r.redirectUrl()).contains(w.links.get(id));
          } else {
            assertThat(w.model.status(id)).as("a new account").isEmpty();
            assertThat(r.wasReinitiated()).contains(w.model.active(s.userId(), slug).isPresent());
            w.issued(id, s, slug, r.redirectUrl().orElseThrow());
          }
        }
      });
    }
  }

  static final class Authorize implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.sessions.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.of(OAUTH))
          .as((i, toolkit) -> Transformer.mutate("authorize session#" + i + " " + toolkit, world -> {
            Session s = world.session(i);
            ConnectionRequest r = s.authorize(toolkit);
            assertThat(r.status()).isEqualTo(ConnectionStatus.INITIATED);
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
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.of(true, true, false))
          .as((i, approve) -> Transformer.mutate((approve ? "approve link#" : "deny link#") + i,
              world -> callback(world, world.link(i), approve)));
    }

    private static void callback(World w, String id, boolean approve) {
      URI link = w.links.get(id);
      Map<String, String> params = approve ? FakeToolkitProvider.approve(link, "code-" + (w.codes++))
          : FakeToolkitProvider.deny(link, "access_denied");
      int exchangesBefore = w.provider.exchangeCount();
      boolean known = w.stateKnown(id);
      boolean connects = approve && w.model.callbackConnects(id, w.now()) && !w.firstOutcome.containsKey(id);
      boolean fails = !approve && w.model.callbackConnects(id, w.now()) && !w.firstOutcome.containsKey(id);

      CallbackResult result = w.tether.handleCallback(params);

      if (!known) {
        assertThat(result.successful()).isFalse();
        assertThat(result.redirectUrl()).as("unknown state: no redirect").isEmpty();
        w.model.timePassed(w.now());
      } else if (w.firstOutcome.containsKey(id)) {
        assertThat(result).as("a replay gets the first outcome").isEqualTo(w.firstOutcome.get(id));
      } else {
        w.firstOutcome.put(id, result);
        assertThat(result.successful()).isEqualTo(connects);
        if (connects) {
          w.model.connected(id, w.now().plus(Duration.ofHours(1)));
        } else if (fails) {
          w.model.failed(id, w.now());
        }
      }
      assertThat(w.provider.exchangeCount() - exchangesBefore).as("exchanges").isEqualTo(connects ? 1 : 0);
    }
  }

  static final class ForgedCallback implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(60)
          .map(state -> Transformer.mutate("forged state", w -> {
            CallbackResult r = w.tether.handleCallback(Map.of("state", state, "code", "x"));
            assertThat(r.successful()).isFalse();
            assertThat(r.redirectUrl()).isEmpty();
            assertThat(r.connectedAccountId()).isEmpty();
          }));
    }
  }

  static final class AdvanceClock implements Action.Independent<World> {
    @Override
    public Arbitrary<Transformer<World>> transformer() {
      return Arbitraries.of(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(9),
              Duration.ofMinutes(11), Duration.ofMinutes(58).plusSeconds(30), Duration.ofHours(2))
          .map(d -> Transformer.mutate("advance " + d, w -> {
            w.clock.advance(d);
            w.model.timePassed(w.now());
            w.tether.cleanUp();
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
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.of(true, true, false))
          .as((i, refreshWorks) -> Transformer.mutate("credentials active#" + i
              + (refreshWorks ? "" : " (refresh revoked)"), world -> credentials(world, activeAccount(world, i), refreshWorks)));
    }

    private static String activeAccount(World w, int index) {
      List<String> active = w.links.keySet().stream()
          .filter(id -> w.model.status(id).orElse(null) == ConnectionStatus.ACTIVE).collect(Collectors.toList());
      return active.get(index % active.size());
    }

    private static void credentials(World w, String id, boolean refreshWorks) {
      w.provider.onRefresh(refreshWorks
          ? r -> r.credentials().toBuilder().accessToken("refreshed-" + r.now()).expiresAt(r.now().plus(Duration.ofHours(1))).build()
          : r -> {
            throw ProviderException.definitive("invalid_grant", "revoked");
          });
      boolean due = w.model.refreshDue(id, w.now());
      int before = w.provider.refreshCount();
      if (due && !refreshWorks) {
        assertThatThrownBy(() -> w.tether.credentials(id)).isInstanceOf(CredentialsUnavailableException.class);
        w.model.tokenDied(id, w.now());
      } else {
        Credentials c = w.tether.credentials(id);
        assertThat(c.expiresAt().orElseThrow()).isAfter(w.now());
        if (due) {
          w.model.refreshed(id, c.expiresAt().orElseThrow());
        }
      }
      assertThat(w.provider.refreshCount() - before).isEqualTo(due ? 1 : 0);
    }
  }

  static final class DisableEnableDelete implements Action.Dependent<World> {
    @Override
    public boolean precondition(World w) {
      return !w.links.isEmpty();
    }

    @Override
    public Arbitrary<Transformer<World>> transformer(World w) {
      return Combinators.combine(Arbitraries.integers().between(0, 99), Arbitraries.of("disable", "enable", "delete"))
          .as((i, op) -> Transformer.mutate(op + " link#" + i, world -> apply(world, world.link(i), op)));
    }

    private static void apply(World w, String id, String op) {
      boolean exists = w.tether.account(id).isPresent();
      if (exists) {
        assertThat(w.model.status(id)).as("the engine knows no account the model does not").isPresent();
      }
      switch (op) {
        case "disable":
          if (w.model.canDisable(id)) {
            assertThat(w.tether.disable(id).status()).isEqualTo(ConnectionStatus.INACTIVE);
            w.model.disabled(id);
          } else {
            assertThatThrownBy(() -> w.tether.disable(id))
                .isInstanceOfAny(IllegalStateException.class, AccountNotFoundException.class);
          }
          break;
        case "enable":
          if (w.model.canEnable(id)) {
            assertThat(w.tether.enable(id).status()).isEqualTo(ConnectionStatus.ACTIVE);
            w.model.enabled(id);
          } else {
            assertThatThrownBy(() -> w.tether.enable(id))
                .isInstanceOfAny(IllegalStateException.class, AccountNotFoundException.class);
          }
          break;
        default:
          assertThat(w.tether.delete(id)).isEqualTo(exists);
          w.model.deleted(id);
      }
    }
  }
}

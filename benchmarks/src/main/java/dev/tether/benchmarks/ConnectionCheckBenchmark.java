package dev.tether.benchmarks;

import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * "Is this user connected to X?" for 1, 10 and 50 toolkits, all ACTIVE: the meta-tool through the
 * typed API and through JSON, beside N {@code ConcurrentHashMap} lookups (the floor) and N Spring
 * {@code loadAuthorizedClient} calls. Each thread asks for its own user.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConnectionCheckBenchmark {
  static final int TOOLKITS = 50;
  static final int USERS = 8;

  @State(Scope.Benchmark)
  public static class World {
    @Param({"1", "10", "50"})
    int toolkits;

    Tether tether;
    final List<Session> sessions = new ArrayList<>();
    List<String> asked;
    String json;
    final ConcurrentHashMap<String, String> floor = new ConcurrentHashMap<>();
    InMemoryOAuth2AuthorizedClientService spring;
    final AtomicInteger users = new AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
      FakeToolkitProvider.Builder fake = FakeToolkitProvider.builder().recordRequests(false);
      List<String> slugs = new ArrayList<>();
      for (int i = 0; i < TOOLKITS; i++) {
        slugs.add("toolkit_" + i);
        fake.oauth2("toolkit_" + i, "Toolkit " + i);
      }
      FakeToolkitProvider provider = fake.build();
      tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(TestClock.standing())
          .discoverProviders(false).provider(provider).build();
      List<ClientRegistration> registrations = new ArrayList<>();
      for (String slug : slugs) {
        registrations.add(ClientRegistration.withRegistrationId(slug).clientId(Fixtures.CLIENT_ID)
            .clientSecret(Fixtures.CLIENT_SECRET).authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri(Fixtures.REDIRECT_URI).authorizationUri(Fixtures.AUTHORIZATION_URL)
            .tokenUri(Fixtures.TOKEN_URL).build());
      }
      spring = new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(registrations));
      for (int u = 0; u < USERS; u++) {
        Session s = tether.createSession("user_" + u);
        sessions.add(s);
        for (String slug : slugs) {
          var request = s.authorize(slug);
          tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "c" + u + slug));
          floor.put(s.userId() + "/" + slug, request.id());
          ClientRegistration registration = registrations.get(slugs.indexOf(slug));
          Instant now = Instant.now();
          spring.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, s.userId(),
              new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "access-" + u + slug, now, now.plusSeconds(3600)),
              new OAuth2RefreshToken("refresh-" + u + slug, now)), new PrincipalName(s.userId()));
        }
      }
      asked = slugs.subList(0, toolkits);
      json = "{\"toolkits\": [" + asked.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", ")) + "]}";
      ManageConnectionsResult check = sessions.get(0).manageConnections(asked, false);
      if (check.summary().activeConnections() != toolkits) {
        throw new IllegalStateException("setup did not connect every toolkit: " + check.message());
      }
    }
  }

  @State(Scope.Thread)
  public static class Me {
    Session session;
    String user;

    @Setup(Level.Trial)
    public void setUp(World world) {
      session = world.sessions.get(world.users.getAndIncrement() % USERS);
      user = session.userId();
    }
  }

  @Benchmark
  public ManageConnectionsResult typed(World world, Me me) {
    return me.session.manageConnections(world.asked, false);
  }

  @Benchmark
  public String json(World world, Me me) {
    return me.session.execute("COMPOSIO_MANAGE_CONNECTIONS", world.json);
  }

  @Benchmark
  public void floor(World world, Me me, Blackhole bh) {
    for (String slug : world.asked) {
      bh.consume(world.floor.get(me.user + "/" + slug));
    }
  }

  @Benchmark
  public void spring(World world, Me me, Blackhole bh) {
    for (String slug : world.asked) {
      bh.consume(world.spring.<OAuth2AuthorizedClient>loadAuthorizedClient(slug, me.user));
    }
  }

  /** The minimal {@link org.springframework.security.core.Authentication} Spring needs: a name. */
  static final class PrincipalName extends org.springframework.security.authentication.AbstractAuthenticationToken {
    private static final long serialVersionUID = 1L;
    private final String name;

    PrincipalName(String name) {
      super(List.of());
      this.name = name;
    }

    @Override
    public Object getCredentials() {
      return "";
    }

    @Override
    public Object getPrincipal() {
      return name;
    }

    @Override
    public String getName() {
      return name;
    }
  }
}

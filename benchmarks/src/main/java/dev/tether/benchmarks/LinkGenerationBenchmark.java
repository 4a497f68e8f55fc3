package dev.tether.benchmarks;

import static dev.tether.benchmarks.Fixtures.AUTHORIZATION_URL;
import static dev.tether.benchmarks.Fixtures.CLIENT_ID;
import static dev.tether.benchmarks.Fixtures.CLIENT_SECRET;
import static dev.tether.benchmarks.Fixtures.REDIRECT_URI;
import static dev.tether.benchmarks.Fixtures.SCOPE;
import static dev.tether.benchmarks.Fixtures.URL_SAFE;

import com.github.scribejava.core.builder.ServiceBuilder;
import com.github.scribejava.core.builder.api.DefaultApi20;
import com.github.scribejava.core.oauth.OAuth20Service;
import com.github.scribejava.core.pkce.PKCE;
import com.github.scribejava.core.pkce.PKCEService;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;

/**
 * Building an authorization link: state + PKCE verifier + S256 challenge + URL. Every contender
 * draws its own randomness, hashes the verifier and renders the same URL for the same client.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LinkGenerationBenchmark {

  /** Tether's whole authorize path: ids, state, PKCE, the provider's URL, the pending account and flow. */
  @State(Scope.Benchmark)
  public static class Engine {
    Tether tether;
    Session[] sessions;
    /**
     * Users the threads walk in turn, a power of two. At 4,096 (the suite's) a user's records were
     * last touched 4,096 links earlier and have mostly left the caches; at 64 they are still there,
     * which shows how much of a link is memory latency rather than work. The clock runs faster with
     * fewer users, so a user's links stay the same engine time apart and each still expires first.
     */
    @Param({"4096"})
    public int users;

    @Setup
    public void setUp() {
      if (users < 1 || Integer.bitCount(users) != 1 || users > 4096) {
        throw new IllegalArgumentException("users must be a power of two from 1 to 4096, got " + users);
      }
      // At 4,096 users a microsecond is a second, so superseded links age out as they would over hours.
      tether = Fixtures.linkEngine(new FastForwardClock(1_000_000L * 4096 / users));
      sessions = new Session[users];
      for (int i = 0; i < sessions.length; i++) {
        sessions[i] = tether.createSession("user_" + i);
      }
    }
  }

  /** Each thread walks its own users. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    int offset;

    @Setup
    public void setUp() {
      offset = (int) (Thread.currentThread().getId() * 997) & 4095;
    }
  }

  /** The link as text, as the floor, Spring and ScribeJava return it (and as a host redirects to it). */
  @Benchmark
  public String tether(Engine engine, Cursor cursor) {
    return engine.sessions[(cursor.offset + cursor.next++) & (engine.users - 1)].authorize("gmail").redirectUrlString();
  }

  /** The link parsed into a {@code java.net.URI}, as Nimbus returns it. */
  @Benchmark
  public URI tether_uri(Engine engine, Cursor cursor) {
    return engine.sessions[(cursor.offset + cursor.next++) & (engine.users - 1)].authorize("gmail").redirectUrl();
  }

  /** ScribeJava: its PKCE service, a state we draw (ScribeJava draws none), its URL builder. */
  @State(Scope.Benchmark)
  public static class Scribe {
    OAuth20Service service;
    final PKCEService pkce = PKCEService.defaultInstance();
    final SecureRandom random = new SecureRandom();

    @Setup
    public void setUp() {
      service = new ServiceBuilder(CLIENT_ID).apiSecret(CLIENT_SECRET).defaultScope(SCOPE).callback(REDIRECT_URI)
          .build(new DefaultApi20() {
            @Override
            public String getAccessTokenEndpoint() {
              return Fixtures.TOKEN_URL;
            }

            @Override
            protected String getAuthorizationBaseUrl() {
              return AUTHORIZATION_URL;
            }
          });
    }
  }

  @Benchmark
  public String scribejava(Scribe s) {
    byte[] state = new byte[32];
    s.random.nextBytes(state);
    PKCE pkce = s.pkce.generatePKCE();
    return s.service.createAuthorizationUrlBuilder().state(URL_SAFE.encodeToString(state)).pkce(pkce).build();
  }

  /** Nimbus OAuth 2.0 SDK: State and CodeVerifier draw their own 256 bits; toURI renders. */
  @State(Scope.Benchmark)
  public static class Nimbus {
    final URI endpoint = URI.create(AUTHORIZATION_URL);
    final URI redirect = URI.create(REDIRECT_URI);
    final ClientID client = new ClientID(CLIENT_ID);
    final com.nimbusds.oauth2.sdk.Scope scope = new com.nimbusds.oauth2.sdk.Scope(SCOPE);
  }

  @Benchmark
  public URI nimbus(Nimbus n) {
    return new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), n.client)
        .scope(n.scope).state(new com.nimbusds.oauth2.sdk.id.State()).redirectionURI(n.redirect)
        .codeChallenge(new CodeVerifier(), CodeChallengeMethod.S256)
        .endpointURI(n.endpoint).build().toURI();
  }

  /** Spring Security: its key generators (as its PKCE customizer uses them) and request builder. */
  @State(Scope.Benchmark)
  public static class Spring {
    final StringKeyGenerator states = new Base64StringKeyGenerator(java.util.Base64.getUrlEncoder());
    final StringKeyGenerator verifiers = new Base64StringKeyGenerator(java.util.Base64.getUrlEncoder().withoutPadding(), 96);
    final Set<String> scopes = Set.of(SCOPE);
  }

  @Benchmark
  public String spring(Spring s) {
    String verifier = s.verifiers.generateKey();
    String challenge = Fixtures.s256(verifier);
    return OAuth2AuthorizationRequest.authorizationCode()
        .authorizationUri(AUTHORIZATION_URL).clientId(CLIENT_ID).redirectUri(REDIRECT_URI).scopes(s.scopes)
        .state(s.states.generateKey())
        .attributes(a -> a.put(PkceParameterNames.CODE_VERIFIER, verifier))
        .additionalParameters(p -> {
          p.put(PkceParameterNames.CODE_CHALLENGE, challenge);
          p.put(PkceParameterNames.CODE_CHALLENGE_METHOD, "S256");
        })
        .build().getAuthorizationRequestUri();
  }

  /**
   * The floor: two 32-byte CSPRNG draws, one SHA-256, base64url, one concatenation. Nothing stored.
   * It draws from the generator Tether uses (a DRBG of the same strength per thread), so Tether /
   * floor measures Tether's own work; the JDK default ({@code NativePRNG}) is slower and serialises
   * threads.
   */
  @State(Scope.Thread)
  public static class Floor {
    final SecureRandom random = Fixtures.drbg();
    final String prefix = AUTHORIZATION_URL + "?response_type=code&client_id=" + CLIENT_ID
        + "&redirect_uri=" + java.net.URLEncoder.encode(REDIRECT_URI, StandardCharsets.UTF_8)
        + "&scope=" + java.net.URLEncoder.encode(SCOPE, StandardCharsets.UTF_8) + "&state=";
  }

  @Benchmark
  public String floor(Floor f) {
    byte[] state = new byte[32];
    byte[] verifier = new byte[32];
    f.random.nextBytes(state);
    f.random.nextBytes(verifier);
    String v = URL_SAFE.encodeToString(verifier);
    return f.prefix + URL_SAFE.encodeToString(state) + "&code_challenge=" + Fixtures.s256(v)
        + "&code_challenge_method=S256";
  }

  /** What {@link #floor_store} keeps per link: the flow a callback needs back. */
  record FlowRecord(String state, String verifier, String userId, long expiresAt) {}

  /**
   * The second floor: {@link #floor}'s link, plus the one write every usable link needs, a flow
   * record put into a {@code ConcurrentHashMap} under its state (and the oldest of a bounded window
   * removed, so the map stays the size of a live population). Tether / this is what Tether spends
   * beyond storing the link.
   */
  @State(Scope.Benchmark)
  public static class Store {
    final java.util.concurrent.ConcurrentHashMap<String, FlowRecord> flows = new java.util.concurrent.ConcurrentHashMap<>();
  }

  /** Each thread's window of keys it put, to remove the oldest. */
  @State(Scope.Thread)
  public static class Window {
    /** As {@link Engine#users}: how many links back the removed one was put. */
    @Param({"4096"})
    public int users;
    String[] keys;
    int next;

    @Setup
    public void setUp() {
      if (users < 1 || Integer.bitCount(users) != 1 || users > 4096) {
        throw new IllegalArgumentException("users must be a power of two from 1 to 4096, got " + users);
      }
      keys = new String[users];
    }
  }

  @Benchmark
  public String floor_store(Floor f, Store store, Window w) {
    byte[] state = new byte[32];
    byte[] verifier = new byte[32];
    f.random.nextBytes(state);
    f.random.nextBytes(verifier);
    String v = URL_SAFE.encodeToString(verifier);
    String s = URL_SAFE.encodeToString(state);
    int slot = w.next++ & (w.users - 1);
    if (w.keys[slot] != null) {
      store.flows.remove(w.keys[slot]);
    }
    w.keys[slot] = s;
    store.flows.put(s, new FlowRecord(s, v, "user", System.nanoTime()));
    return f.prefix + s + "&code_challenge=" + Fixtures.s256(v) + "&code_challenge_method=S256";
  }
}

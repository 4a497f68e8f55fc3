package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.Secret;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** BEHAVIOUR.md §9: state, PKCE, random ids and redaction. */
class SecurityTest {
  private final TestClock clock = TestClock.standing();

  @Test
  void state_has256BitsOfUrlSafeRandomness_andNeverRepeats() {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    Session s = tether.createSession("u");
    Set<String> states = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      s.authorize("gmail");
    }
    for (AuthorizationRequest r : provider.authorizeRequests()) {
      String state = r.state().reveal();
      assertThat(Base64.getUrlDecoder().decode(state)).as("384 random bits").hasSize(48);
      assertThat(state).matches("[A-Za-z0-9_-]{64}");
      states.add(state);
    }
    assertThat(states).hasSize(200);
  }

  @Test
  void pkce_verifierFollowsRfc7636_challengeIsS256OfIt() throws Exception {
    Ids ids = new Ids(new SecureRandom());
    for (int i = 0; i < 100; i++) {
      Secret verifier = ids.link().verifier();
      assertThat(verifier.reveal()).hasSizeBetween(43, 128).matches("[A-Za-z0-9\\-._~]+");
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.reveal().getBytes(StandardCharsets.US_ASCII));
      assertThat(Ids.challenge(verifier)).isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(hash));
    }
  }

  @Test
  void ids_areRandomAndPrefixed_notCounters() {
    Ids ids = new Ids(new SecureRandom());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      seen.add(ids.accountId());
    }
    assertThat(seen).hasSize(1000).allMatch(id -> id.matches("ca_[a-z2-7]{26}"));
    assertThat(ids.sessionId()).matches("trs_[a-z2-7]{26}");
    Ids.LinkSecrets link = ids.link();
    assertThat(link.accountId()).matches("ca_[a-z2-7]{26}");
    assertThat(link.linkId()).as("the state's selector").isEqualTo("ln_" + link.state().reveal().substring(0, 32));
  }

  /**
   * A claim or lease is told apart from every other by its attempt token alone: tokens never repeat
   * on one thread, across threads racing from a common start, or across engines, though no token is
   * a draw of its own.
   */
  @Test
  void attempts_neverRepeat_acrossRacingThreadsAndEngines() throws Exception {
    Ids first = Ids.perThreadDrbg();
    Ids second = Ids.perThreadDrbg();
    Set<String> fromFirst = ConcurrentHashMap.newKeySet();
    Set<String> fromSecond = ConcurrentHashMap.newKeySet();
    AtomicInteger made = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      Ids ids = t % 2 == 0 ? first : second;
      Set<String> seen = t % 2 == 0 ? fromFirst : fromSecond;
      threads[t] = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < 1000; i++) {
          seen.add(ids.attempt());
          made.incrementAndGet();
        }
      });
      threads[t].start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(made).hasValue(4000);
    assertThat(fromFirst).hasSize(2000).allMatch(a -> a.matches("at_[a-z2-7]{26}_[0-9a-z]+"));
    assertThat(fromSecond).hasSize(2000).doesNotContainAnyElementsOf(fromFirst);
    Set<String> firstPrefixes = new HashSet<>();
    fromFirst.forEach(a -> firstPrefixes.add(a.substring(0, 30)));
    assertThat(fromSecond).as("no prefix shared between engines")
        .noneMatch(a -> firstPrefixes.contains(a.substring(0, 30)));
  }

  @Test
  void stateCheck_needsTheWholeState_notJustItsSelector() {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    ConnectionRequest r = tether.createSession("u").authorize("gmail");
    String state = FakeToolkitProvider.stateOf(r.redirectUrl());
    String forged = state.substring(0, 32) + "A".repeat(32);
    assertThat(tether.handleCallback(java.util.Map.of("state", forged, "code", "c")).error()).contains("unknown_state");
    assertThat(provider.exchangeCount()).isEqualTo(0);
    assertThat(tether.handleCallback(java.util.Map.of("state", state, "code", "c")).successful()).isTrue();
  }

  @Test
  void secret_neverPrintsItself_andComparesByValue() {
    Secret s = Secret.of("tok-123");
    assertThat(s.toString()).isEqualTo("****");
    assertThat(s).isEqualTo(Secret.of("tok-123")).isNotEqualTo(Secret.of("tok-124"));
    assertThat(s.matches("tok-123")).isTrue();
    assertThat(s.matches("tok-12")).isFalse();
  }

  @Test
  void spiValues_redactSecretsInToString() {
    Credentials c = Credentials.builder(AuthScheme.OAUTH2).accessToken("ACCESS-SECRET").refreshToken("REFRESH-SECRET")
        .secret("token_secret", "OAUTH1-SECRET").attribute("workspace_id", "ws1").build();
    AuthorizationRequest ar = new AuthorizationRequest("gmail", "u", Secret.of("STATE-SECRET"), "challenge",
        URI.create("https://host/cb"), List.of(), Map.of(), Instant.EPOCH);
    ExchangeRequest er = new ExchangeRequest("gmail", "u", Map.of("code", "CODE-SECRET"), URI.create("https://host/cb"),
        Secret.of("VERIFIER-SECRET"), Map.of("k", "FLOW-SECRET"), Instant.EPOCH);
    AuthorizationLink link = new AuthorizationLink(URI.create("https://auth/x?state=STATE-SECRET"),
        Map.of("request_token_secret", "FLOW-SECRET"));
    for (Object value : List.of(c, ar, er, link)) {
      assertThat(value.toString()).doesNotContain("SECRET").as(value.getClass().getSimpleName());
    }
    assertThat(c.toString()).contains("ws1");
  }

  @Test
  void publicValues_redactStateInToString() {
    FakeToolkitProvider provider = TestEngines.standardProvider();
    Tether tether = TestEngines.builder(provider, clock).build();
    ConnectionRequest r = tether.createSession("u").authorize("gmail");
    String state = FakeToolkitProvider.stateOf(r.redirectUrl());
    assertThat(r.toString()).doesNotContain(state);
    ConnectLink link = new ConnectLink(r.id(), "gmail", "Gmail", java.util.Optional.of(r.redirectUrl()), List.of());
    assertThat(link.toString()).doesNotContain(state);
    CallbackResult result = tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "CODE-SECRET"));
    assertThat(result.toString()).doesNotContain(state).doesNotContain("CODE-SECRET");
    assertThat(tether.account(r.id()).orElseThrow().toString()).doesNotContain("access-");
  }

  /** The engine's ids come from a DRBG per thread: each thread's secrets are well formed and never repeat. */
  @Test
  void perThreadDrbg_givesDistinctWellFormedStatesOnEveryThread() throws Exception {
    Ids ids = Ids.perThreadDrbg();
    Set<String> states = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] = new Thread(() -> {
        for (int i = 0; i < 500; i++) {
          states.add(ids.link().state().reveal());
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(states).hasSize(2000).allMatch(s -> s.matches("[A-Za-z0-9_-]{64}"));
  }
}

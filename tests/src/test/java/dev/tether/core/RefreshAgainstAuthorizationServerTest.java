package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.providers.oauth2.OAuth2Toolkit;
import dev.tether.spi.Credentials;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Code exchange and refresh against a real authorization server with refresh-token rotation on. */
class RefreshAgainstAuthorizationServerTest {
  private static final URI REDIRECT_URI = URI.create("http://127.0.0.1/oauth/callback");
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private final TestClock clock = TestClock.standing();
  private MockOAuth2Server server;
  private Tether tether;

  @BeforeEach
  void start() throws Exception {
    server = AuthorizationServers.started(new OAuth2Config(false, null, null, true));
    tether = Tether.builder().redirectUri(REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(OAuth2Toolkit.builder("gmail")
            .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
            .tokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
            .clientId("client").clientSecret("secret").scopes("openid", "offline_access")
            .build())
        .build();
  }

  @AfterEach
  void stop() {
    server.shutdown();
  }

  private String connect() throws Exception {
    ConnectionRequest r = tether.createSession("alice").authorize("gmail");
    assertThat(r.redirectUrl().getRawQuery()).as("offline_access asks for consent").contains("prompt=consent");
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(r.redirectUrl()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200 && response.body().contains("name=\"username\"")) {
      // the server shows its sign-in page for a request with a prompt; the user signs in
      response = HTTP.send(HttpRequest.newBuilder(r.redirectUrl())
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("username=alice&claims=")).build(), HttpResponse.BodyHandlers.ofString());
    }
    URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
    assertThat(tether.handleCallback(TestEngines.query(location)).successful()).isTrue();
    return r.id();
  }

  /**
   * Every request the server received since the last call. Call it once every request has been
   * answered: the server records a request before answering it, so none is still on its way and
   * there is nothing to wait for.
   */
  private List<RecordedRequest> received() {
    List<RecordedRequest> out = new ArrayList<>();
    while (true) {
      try {
        out.add(server.takeRequest(0, TimeUnit.MILLISECONDS));
      } catch (RuntimeException noMore) {
        return out;
      }
    }
  }

  private static long refreshRequests(List<RecordedRequest> requests) {
    return requests.stream().filter(r -> "POST".equals(r.getMethod())
        && r.getBody().readString(StandardCharsets.UTF_8).contains("grant_type=refresh_token")).count();
  }

  private void advanceToWithinSkew(Credentials c) {
    clock.advance(Duration.between(clock.instant(), c.expiresAt().orElseThrow().minusSeconds(30)));
  }

  /** Uses a refresh token outside the engine, as another client holding it would. */
  private HttpResponse<String> refreshDirectly(String refreshToken) throws Exception {
    String body = "grant_type=refresh_token&client_id=client&client_secret=secret&refresh_token="
        + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8);
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.tokenEndpointUrl("default").toString()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void codeExchange_storesAccessAndRefreshTokenWithExpiry() throws Exception {
    String id = connect();
    Credentials c = tether.credentials(id);
    assertThat(c.accessToken()).isPresent();
    assertThat(c.refreshToken()).isPresent();
    assertThat(c.expiresAt()).get().matches(e -> e.isAfter(clock.instant()));
  }

  @Test
  void refresh_rotatesRefreshToken_andTheOldOneIsRejectedUpstream() throws Exception {
    String id = connect();
    Credentials first = tether.credentials(id);
    String oldRefresh = first.refreshToken().orElseThrow().reveal();
    advanceToWithinSkew(first);

    Credentials second = tether.credentials(id);
    assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
    assertThat(second.refreshToken()).isPresent().isNotEqualTo(first.refreshToken());
    assertThat(second.expiresAt().orElseThrow()).isAfter(first.expiresAt().orElseThrow());

    HttpResponse<String> replay = refreshDirectly(oldRefresh);
    assertThat(replay.statusCode()).isEqualTo(400);
    assertThat(replay.body()).contains("invalid_grant");
  }

  @Test
  void revokedRefreshToken_expiresTheAccount() throws Exception {
    String id = connect();
    Credentials c = tether.credentials(id);
    // Another party uses (and so rotates away) the engine's refresh token: upstream it is now dead.
    assertThat(refreshDirectly(c.refreshToken().orElseThrow().reveal()).statusCode()).isEqualTo(200);
    advanceToWithinSkew(c);

    assertThatThrownBy(() -> tether.credentials(id)).isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
      assertThat(e.isRetryable()).isFalse();
      assertThat(e.reason()).contains("invalid_grant");
    });
    assertThat(tether.account(id).orElseThrow().status()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(tether.account(id).orElseThrow().statusReason()).contains("invalid_grant");
  }

  @Test
  void fiftyThreads_onAnExpiringToken_shareOneRefreshRequest() throws Exception {
    String id = connect();
    advanceToWithinSkew(tether.credentials(id));
    received();

    ExecutorService pool = Executors.newFixedThreadPool(50);
    try {
      CountDownLatch gate = new CountDownLatch(1);
      List<Future<Credentials>> calls = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        calls.add(pool.submit(() -> {
          gate.await();
          return tether.credentials(id);
        }));
      }
      gate.countDown();
      HashSet<Object> tokens = new HashSet<>();
      for (Future<Credentials> f : calls) {
        tokens.add(f.get(30, TimeUnit.SECONDS).accessToken().orElseThrow().reveal());
      }
      assertThat(tokens).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(refreshRequests(received())).isEqualTo(1);
  }
}

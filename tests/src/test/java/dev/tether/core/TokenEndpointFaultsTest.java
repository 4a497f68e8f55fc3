package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.providers.oauth2.CuedTimeoutHttpClient;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import dev.tether.testkit.TestClock;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the engine does when the token endpoint misbehaves during the code exchange: the real
 * authorization server issues the code, then answers the token request with a canned fault.
 * Definitive rejections fail the account; everything transient leaves it INITIATED for a retry.
 * A loopback proxy stands in front of the token endpoint: it answers one request with the fault,
 * then forwards to the real server. Requests keep the default 10 s budget; the timeout fault is
 * the proxy holding the request while the test's HTTP client times it out on cue.
 */
class TokenEndpointFaultsTest {
  private static final URI REDIRECT_URI = URI.create("http://127.0.0.1/oauth/callback");
  private final TestClock clock = TestClock.standing();
  private MockOAuth2Server server;
  private HttpServer proxy;
  private final AtomicReference<Fault> nextFault = new AtomicReference<>();
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private final CompletableFuture<Void> slowArrived = new CompletableFuture<>();
  private final CuedTimeoutHttpClient http = new CuedTimeoutHttpClient();
  private final java.util.concurrent.ExecutorService proxyThreads = java.util.concurrent.Executors.newCachedThreadPool();
  private Tether tether;
  private ConnectionRequest request;
  private Map<String, String> callback;

  @BeforeEach
  void start() throws Exception {
    server = AuthorizationServers.started();
    URI realTokenUrl = URI.create(server.tokenEndpointUrl("default").toString());
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/token", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      Fault fault = nextFault.getAndSet(null);
      int status;
      String contentType;
      byte[] answer;
      if (fault != null) {
        if (fault.slow) {
          slowArrived.complete(null);
          try {
            releaseSlow.await(60, TimeUnit.SECONDS); // until the test releases it; the bound is a safety net
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        status = fault.status;
        contentType = fault.contentType;
        answer = fault.body.getBytes(StandardCharsets.UTF_8);
      } else {
        try {
          HttpResponse<byte[]> real = HttpClient.newHttpClient().send(HttpRequest.newBuilder(realTokenUrl)
              .header("Content-Type", ex.getRequestHeaders().getFirst("Content-Type"))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
          status = real.statusCode();
          contentType = real.headers().firstValue("Content-Type").orElse("application/json");
          answer = real.body();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.IOException(e);
        }
      }
      ex.getResponseHeaders().add("Content-Type", contentType);
      ex.sendResponseHeaders(status, answer.length);
      ex.getResponseBody().write(answer);
      ex.close();
    });
    proxy.setExecutor(proxyThreads);
    proxy.start();
    tether = Tether.builder().redirectUri(REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(OAuth2Toolkit.builder("gmail")
            .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
            .tokenUrl(URI.create("http://127.0.0.1:" + proxy.getAddress().getPort() + "/token"))
            .clientId("client").clientSecret("secret").scopes("openid")
            .httpClient(http)
            .build())
        .build();
    request = tether.createSession("alice").authorize("gmail");
    HttpResponse<Void> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
        .send(HttpRequest.newBuilder(request.redirectUrl()).build(), HttpResponse.BodyHandlers.discarding());
    callback = TestEngines.query(URI.create(r.headers().firstValue("Location").orElseThrow()));
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    proxy.stop(0);
    proxyThreads.shutdownNow();
    server.shutdown();
  }

  private record Fault(int status, String contentType, String body, boolean slow) {
    Fault delayed() {
      return new Fault(status, contentType, body, true);
    }
  }

  private CallbackResult exchangeAgainst(Fault fault) {
    nextFault.set(fault);
    return tether.handleCallback(callback);
  }

  private static Fault json(int status, String body) {
    return new Fault(status, "application/json", body, false);
  }

  private void assertStillInitiatedAndRetryWorks(CallbackResult failed, String reason) {
    assertThat(failed.successful()).isFalse();
    assertThat(failed.error()).contains(reason);
    assertThat(failed.status()).contains(ConnectionStatus.INITIATED);
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
    assertThat(tether.handleCallback(callback).successful()).as("the user's retry exchanges again").isTrue();
  }

  @Test
  void badRequestInvalidGrant_failsTheAccountWithThatReason() {
    CallbackResult r = exchangeAgainst(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"code abc used\"}"));
    assertThat(r.successful()).isFalse();
    ConnectedAccount account = tether.account(request.id()).orElseThrow();
    assertThat(account.status()).isEqualTo(ConnectionStatus.FAILED);
    assertThat(account.statusReason()).contains("invalid_grant");
    assertThat(tether.handleCallback(callback)).as("no second exchange").isEqualTo(r);
  }

  @Test
  void serverError_keepsInitiated() {
    assertStillInitiatedAndRetryWorks(exchangeAgainst(json(503, "{\"error\":\"temporarily_unavailable\"}")), "http_503");
  }

  @Test
  void timeout_keepsInitiated() {
    http.timeOutNextRequestOn(slowArrived);
    CallbackResult timedOut = exchangeAgainst(json(200, "{}").delayed());
    releaseSlow.countDown();
    assertThat(http.sent()).as("the exchange's request, with the default budget").singleElement()
        .satisfies(sent -> assertThat(sent.timeout()).contains(OAuth2Toolkit.DEFAULT_REQUEST_TIMEOUT));
    assertStillInitiatedAndRetryWorks(timedOut, "timeout");
  }

  @Test
  void nonJsonAnswer_keepsInitiated() {
    assertStillInitiatedAndRetryWorks(exchangeAgainst(new Fault(200, "text/html", "<html>maintenance</html>", false)), "invalid_token_response");
  }

  @Test
  void missingAccessToken_keepsInitiated() {
    assertStillInitiatedAndRetryWorks(exchangeAgainst(json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600}")),
        "invalid_token_response");
  }

  @Test
  void negativeExpiresIn_keepsInitiated() {
    assertStillInitiatedAndRetryWorks(exchangeAgainst(json(200, "{\"access_token\":\"t\",\"expires_in\":-60}")),
        "invalid_token_response");
  }

  @Test
  void absurdExpiresIn_keepsInitiated() {
    assertStillInitiatedAndRetryWorks(exchangeAgainst(json(200, "{\"access_token\":\"t\",\"expires_in\":99999999999}")),
        "invalid_token_response");
  }
}

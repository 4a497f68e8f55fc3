package dev.tether.core;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * Starts the sandbox authorization server ({@code mock-oauth2-server}) on loopback for a test.
 *
 * <p>The first token request a JVM sends to any such server loads and compiles the server's JWT
 * stack: about a second on an idle machine, five or more on a busy one. That cost would eat into
 * the engine's 10 s request budget in whichever test happens to run first, so the first call here
 * pays it once, on a throwaway server and with a budget of its own, before any test's requests.
 */
final class AuthorizationServers {
  private static final Duration WARM_UP_BUDGET = Duration.ofSeconds(60);
  private static boolean warm;

  private AuthorizationServers() {}

  /** A started server with the default configuration. */
  static MockOAuth2Server started() {
    warmUp();
    return start(new MockOAuth2Server());
  }

  /** A started server with {@code config}. */
  static MockOAuth2Server started(OAuth2Config config) {
    warmUp();
    return start(new MockOAuth2Server(config));
  }

  private static MockOAuth2Server start(MockOAuth2Server server) {
    server.start(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  /** One code exchange and one refresh (with rotation) against a throwaway server, once per JVM. */
  private static synchronized void warmUp() {
    if (warm) {
      return;
    }
    MockOAuth2Server server = start(new MockOAuth2Server(new OAuth2Config(false, null, null, true)));
    try {
      HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(WARM_UP_BUDGET).build();
      String redirect = "http://127.0.0.1/cb";
      HttpResponse<Void> authorized = http.send(HttpRequest.newBuilder(URI.create(
              server.authorizationEndpointUrl("warm-up") + "?response_type=code&client_id=warm-up&scope=openid"
                  + "%20offline_access&state=s&redirect_uri=" + redirect)).timeout(WARM_UP_BUDGET).build(),
          HttpResponse.BodyHandlers.discarding());
      String code = TestEngines.query(URI.create(authorized.headers().firstValue("Location").orElseThrow()))
          .get("code");
      String tokens = token(http, server, "grant_type=authorization_code&code=" + code + "&redirect_uri=" + redirect);
      String refreshToken = tokens.replaceAll("(?s).*\"refresh_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
      token(http, server, "grant_type=refresh_token&refresh_token="
          + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8));
      warm = true;
    } catch (IOException e) {
      throw new IllegalStateException("Could not warm up the sandbox authorization server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while warming up the sandbox authorization server", e);
    } finally {
      server.shutdown();
    }
  }

  private static String token(HttpClient http, MockOAuth2Server server, String grant)
      throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.tokenEndpointUrl("warm-up")
            .toString())).timeout(WARM_UP_BUDGET)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(grant + "&client_id=warm-up&client_secret=warm-up",
            StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("Sandbox warm-up: token endpoint answered HTTP " + response.statusCode());
    }
    return response.body();
  }
}

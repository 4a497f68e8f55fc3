package dev.tether.store.postgres;

import dev.tether.providers.oauth2.OAuth2Toolkit;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A real authorization server on loopback (mock-oauth2-server, refresh-token rotation on), the
 * gmail toolkit configured against it, and the user's browser: follows an authorization URL to the
 * callback's query parameters. Started warm: the JVM's first token request (the server loading
 * its JWT stack, seconds on a busy machine) is paid here, not inside a test's budget.
 */
final class Sandbox implements AutoCloseable {
  static final String CLIENT_SECRET = "sandbox-client-secret-7f3a";
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(BUDGET).build();
  final MockOAuth2Server server;

  Sandbox() {
    server = new MockOAuth2Server(new OAuth2Config(false, null, null, true));
    server.start(InetAddress.getLoopbackAddress(), 0);
    try {
      warmUp();
    } catch (IOException e) {
      throw new IllegalStateException("Could not warm up the sandbox authorization server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    received();
  }

  OAuth2Toolkit gmail() {
    return OAuth2Toolkit.builder("gmail")
        .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
        .tokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
        .clientId("client").clientSecret(CLIENT_SECRET).scopes("openid", "offline_access")
        .requestTimeout(BUDGET).build();
  }

  /** Plays the user: opens the link, signs in, and returns the callback's query parameters. */
  static Map<String, String> approve(URI authorizationUrl) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(authorizationUrl).timeout(BUDGET).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() == 200 && response.body().contains("name=\"username\"")) {
      response = HTTP.send(HttpRequest.newBuilder(authorizationUrl).timeout(BUDGET)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("username=alice&claims=")).build(),
          HttpResponse.BodyHandlers.ofString());
    }
    return query(URI.create(response.headers().firstValue("Location").orElseThrow()));
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Every request the server answered since the last call (each is recorded before it is answered). */
  List<RecordedRequest> received() {
    List<RecordedRequest> out = new ArrayList<>();
    while (true) {
      try {
        out.add(server.takeRequest(0, TimeUnit.MILLISECONDS));
      } catch (RuntimeException noMore) {
        return out;
      }
    }
  }

  static long tokenRequests(List<RecordedRequest> requests, String grantType) {
    return requests.stream().filter(r -> "POST".equals(r.getMethod())
        && r.getBody().clone().readString(StandardCharsets.UTF_8).contains("grant_type=" + grantType)).count();
  }

  private void warmUp() throws IOException, InterruptedException {
    String redirect = "http://127.0.0.1/cb";
    Map<String, String> callback = approve(URI.create(server.authorizationEndpointUrl("warm-up")
        + "?response_type=code&client_id=warm-up&scope=openid&state=s&redirect_uri=" + redirect));
    HttpResponse<String> tokens = HTTP.send(HttpRequest.newBuilder(URI.create(server.tokenEndpointUrl("warm-up")
        .toString())).timeout(BUDGET).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=authorization_code&code=" + callback.get("code")
            + "&redirect_uri=" + redirect + "&client_id=warm-up&client_secret=warm-up")).build(),
        HttpResponse.BodyHandlers.ofString());
    if (tokens.statusCode() != 200) {
      throw new IOException("Sandbox warm-up: token endpoint answered HTTP " + tokens.statusCode());
    }
  }

  @Override
  public void close() {
    server.shutdown();
  }
}

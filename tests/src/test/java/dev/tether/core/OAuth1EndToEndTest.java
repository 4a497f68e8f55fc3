package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.providers.oauth1.OAuth1Catalog;
import dev.tether.providers.oauth1.OAuth1Toolkit;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import dev.tether.testkit.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trello's OAuth 1.0a flow through the engine, against a loopback server shaped like Trello that
 * checks every HMAC-SHA1 signature with its own (independent) code.
 */
class OAuth1EndToEndTest {
  private static final String KEY = "trello-key";
  private static final String SECRET = "trello-secret";
  private final TestClock clock = TestClock.standing();
  private final List<String> refused = new CopyOnWriteArrayList<>();
  private HttpServer trello;
  private volatile String issuedCallback;

  @BeforeEach
  void start() throws IOException {
    trello = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    trello.createContext("/1/OAuthGetRequestToken", ex -> {
      Map<String, String> p = oauthParams(ex);
      if (!signatureValid(ex, p, "")) {
        answer(ex, 401, "invalid signature");
        return;
      }
      issuedCallback = p.get("oauth_callback");
      answer(ex, 200, "oauth_token=req-123&oauth_token_secret=req-secret&oauth_callback_confirmed=true");
    });
    trello.createContext("/1/OAuthAuthorizeToken", ex -> {
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      assertThat(q).containsEntry("oauth_token", "req-123").containsEntry("expiration", "never");
      ex.getResponseHeaders().add("Location", issuedCallback + "&oauth_token=req-123&oauth_verifier=ver-456");
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    trello.createContext("/1/OAuthGetAccessToken", ex -> {
      Map<String, String> p = oauthParams(ex);
      if (!signatureValid(ex, p, "req-secret") || !"ver-456".equals(p.get("oauth_verifier"))
          || !"req-123".equals(p.get("oauth_token"))) {
        answer(ex, 401, "refused");
        return;
      }
      answer(ex, 200, "oauth_token=access-789&oauth_token_secret=access-secret");
    });
    trello.start();
  }

  @AfterEach
  void stop() {
    trello.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + trello.getAddress().getPort() + path);
  }

  @Test
  void trello_authorizeRedirectCallback_connectsWithTokenAndSecret() throws Exception {
    OAuth1Toolkit sandboxTrello = OAuth1Catalog.trello(url("/1/OAuthGetRequestToken"),
        url("/1/OAuthAuthorizeToken"), url("/1/OAuthGetAccessToken"), KEY, SECRET);
    Tether tether = Tether.builder().redirectUri(URI.create("https://host.example/oauth/callback")).clock(clock)
        .discoverProviders(false).provider(sandboxTrello).build();
    Session session = tether.createSession("alice");

    ConnectionRequest request = session.authorize("trello");
    assertThat(issuedCallback).startsWith("https://host.example/oauth/callback?state=");
    HttpResponse<Void> redirect = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
        .send(HttpRequest.newBuilder(request.redirectUrl()).build(), HttpResponse.BodyHandlers.discarding());
    Map<String, String> callback = TestEngines.query(URI.create(redirect.headers().firstValue("Location").orElseThrow()));
    assertThat(callback).containsKeys("state", "oauth_token", "oauth_verifier").doesNotContainKey("code");

    CallbackResult result = tether.handleCallback(callback);
    assertThat(refused).isEmpty();
    assertThat(result.successful()).isTrue();
    Credentials c = tether.credentials(request.id());
    assertThat(c.scheme()).isEqualTo(AuthScheme.OAUTH1);
    assertThat(c.accessToken()).contains(Secret.of("access-789"));
    assertThat(c.secrets()).containsEntry(OAuth1Toolkit.TOKEN_SECRET, Secret.of("access-secret"));
    assertThat(c.expiresAt()).isEmpty();
  }

  @Test
  void callbackWithoutVerifier_isRefused_flowStaysOpen() {
    Tether tether = Tether.builder().redirectUri(URI.create("https://host.example/oauth/callback")).clock(clock)
        .discoverProviders(false).provider(OAuth1Catalog.trello(url("/1/OAuthGetRequestToken"),
            url("/1/OAuthAuthorizeToken"), url("/1/OAuthGetAccessToken"), KEY, SECRET)).build();
    ConnectionRequest request = tether.createSession("alice").authorize("trello");
    String state = query(URI.create(issuedCallback).getRawQuery()).get("state");
    CallbackResult result = tether.handleCallback(Map.of("state", state, "oauth_token", "req-123"));
    assertThat(result.error()).contains("missing_oauth_verifier");
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.INITIATED);
  }

  @Test
  void forgedRequestToken_failsTheAccount() {
    Tether tether = Tether.builder().redirectUri(URI.create("https://host.example/oauth/callback")).clock(clock)
        .discoverProviders(false).provider(OAuth1Catalog.trello(url("/1/OAuthGetRequestToken"),
            url("/1/OAuthAuthorizeToken"), url("/1/OAuthGetAccessToken"), KEY, SECRET)).build();
    ConnectionRequest request = tether.createSession("alice").authorize("trello");
    String state = query(URI.create(issuedCallback).getRawQuery()).get("state");
    CallbackResult result = tether.handleCallback(Map.of("state", state, "oauth_token", "someone-elses",
        "oauth_verifier", "ver-456"));
    assertThat(result.successful()).isFalse();
    assertThat(tether.account(request.id()).orElseThrow().statusReason()).contains("token_mismatch");
  }

  // ---- the fake Trello's own OAuth 1.0a checking, written independently of the provider's signer

  private boolean signatureValid(HttpExchange ex, Map<String, String> p, String tokenSecret) {
    String given = p.get("oauth_signature");
    TreeMap<String, String> sorted = new TreeMap<>();
    p.forEach((k, v) -> {
      if (!k.equals("oauth_signature") && !k.equals("realm")) {
        sorted.put(pct(k), pct(v));
      }
    });
    String params = sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    String base = "POST&" + pct("http://127.0.0.1:" + trello.getAddress().getPort() + ex.getRequestURI().getPath())
        + "&" + pct(params);
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec((pct(SECRET) + "&" + pct(tokenSecret)).getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      String expected = Base64.getEncoder().encodeToString(mac.doFinal(base.getBytes(StandardCharsets.UTF_8)));
      boolean ok = expected.equals(given) && KEY.equals(p.get("oauth_consumer_key"))
          && String.valueOf(clock.instant().getEpochSecond()).equals(p.get("oauth_timestamp"));
      if (!ok) {
        refused.add(ex.getRequestURI().getPath());
      }
      return ok;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pct(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  private static Map<String, String> oauthParams(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    assertThat(header).startsWith("OAuth ");
    Map<String, String> out = new TreeMap<>();
    for (String part : header.substring(6).split(",\\s*")) {
      int eq = part.indexOf('=');
      out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(part.substring(eq + 2, part.length() - 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Map<String, String> query(String raw) {
    return TestEngines.query(URI.create("x:/?" + raw));
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-www-form-urlencoded");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }
}

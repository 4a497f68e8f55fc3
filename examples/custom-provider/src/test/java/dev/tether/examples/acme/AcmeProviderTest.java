package dev.tether.examples.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.LinkCreationException;
import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.ProviderReport;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.Credentials;
import dev.tether.spi.Secret;
import dev.tether.testkit.TestClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example plugin, found by ServiceLoader and driven through the engine against a fake Acme on loopback. */
class AcmeProviderTest {
  private final TestClock clock = TestClock.standing();
  private HttpServer acme;
  private volatile String challenge;
  private volatile int refreshes;

  @BeforeEach
  void start() throws IOException {
    acme = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    acme.createContext("/oauth/authorize", ex -> {
      Map<String, String> q = decode(ex.getRequestURI().getRawQuery());
      challenge = q.get("code_challenge");
      redirect(ex, q.get("redirect_uri") + "?code=acme-code-1&state=" + java.net.URLEncoder.encode(q.get("state"),
          StandardCharsets.UTF_8) + "&iss=" + base());
    });
    acme.createContext("/oauth/token", ex -> {
      Map<String, String> form = decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      boolean clientOk = "acme-client".equals(form.get("client_id")) && "acme-secret".equals(form.get("client_secret"));
      if (!clientOk) {
        answer(ex, 401, "error=invalid_client");
      } else if ("authorization_code".equals(form.get("grant_type")) && "acme-code-1".equals(form.get("code"))
          && s256(form.get("code_verifier")).equals(challenge)) {
        answer(ex, 200, "access_token=acme-at-0&refresh_token=acme-rt-0&expires_in=3600");
      } else if ("refresh_token".equals(form.get("grant_type"))) {
        refreshes++;
        answer(ex, 200, "access_token=acme-at-" + refreshes + "&expires_in=3600");
      } else {
        answer(ex, 400, "error=invalid_grant");
      }
    });
    acme.start();
    System.setProperty("acme.base-url", base());
    System.setProperty("acme.client-id", "acme-client");
    System.setProperty("acme.client-secret", "acme-secret");
  }

  @AfterEach
  void stop() {
    acme.stop(0);
    System.clearProperty("acme.base-url");
    System.clearProperty("acme.client-id");
    System.clearProperty("acme.client-secret");
  }

  private String base() {
    return "http://127.0.0.1:" + acme.getAddress().getPort();
  }

  private static Tether engine(TestClock clock) {
    return Tether.builder().redirectUri(URI.create("https://host.example/oauth/callback")).clock(clock).build();
  }

  @Test
  void serviceLoader_findsThePlugin() {
    Tether tether = engine(clock);
    assertThat(tether.toolkitSlugs()).contains("acme_crm", "acme_status");
    assertThat(tether.providers().providers()).extracting(ProviderReport.LoadedProvider::providerClass)
        .contains(AcmeProvider.class.getName());
    assertThat(tether.providers().problems()).isEmpty();
  }

  @Test
  void connect_throughTheMetaTool_callback_refresh() throws Exception {
    Tether tether = engine(clock);
    Session session = tether.createSession("user_1");
    ManageConnectionsResult first = session.manageConnections(List.of("acme_crm", "acme_status"), false);
    assertThat(first.results().get("acme_status").status()).isEqualTo(ManageConnectionsResult.Status.ACTIVE);
    URI link = first.results().get("acme_crm").redirectUrl().orElseThrow();

    HttpResponse<Void> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(link).build(),
        HttpResponse.BodyHandlers.discarding());
    URI back = URI.create(redirect.headers().firstValue("Location").orElseThrow());
    assertThat(tether.handleCallback(back).successful()).isTrue();

    String id = first.results().get("acme_crm").connectedAccountId().orElseThrow();
    assertThat(tether.account(id).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    Credentials c = tether.credentials(id);
    assertThat(c.accessToken()).contains(Secret.of("acme-at-0"));

    clock.advance(Duration.ofMinutes(59).plusSeconds(30));
    Credentials refreshed = tether.credentials(id);
    assertThat(refreshed.accessToken()).contains(Secret.of("acme-at-1"));
    assertThat(refreshed.refreshToken()).as("kept when Acme sends none").contains(Secret.of("acme-rt-0"));
  }

  @Test
  void unconfigured_linkFailsSayingWhatToSet() {
    System.clearProperty("acme.client-id");
    ConnectionRequest[] holder = new ConnectionRequest[1];
    assertThatThrownBy(() -> holder[0] = engine(clock).createSession("u").authorize("acme_crm"))
        .isInstanceOf(LinkCreationException.class).hasMessageContaining("acme.client-id")
        .hasMessageContaining("ACME_CLIENT_ID");
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> decode(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private static void answer(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/x-www-form-urlencoded");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }
}

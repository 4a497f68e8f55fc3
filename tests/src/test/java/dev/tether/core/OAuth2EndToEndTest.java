package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole OAuth 2.0 flow against a real authorization server ({@code mock-oauth2-server}) on
 * loopback, with real HTTP: meta-tool → link → browser redirect → callback → token request.
 */
class OAuth2EndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final URI REDIRECT_URI = URI.create("http://127.0.0.1/oauth/callback");
  private MockOAuth2Server server;
  private static final HttpClient BROWSER = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void startAuthorizationServer() throws Exception {
    server = AuthorizationServers.started();
  }

  @AfterEach
  void stopAuthorizationServer() {
    server.shutdown();
  }

  private OAuth2Toolkit gmailAgainstSandbox() {
    return OAuth2Toolkit.builder("gmail")
        .name("Gmail")
        .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
        .tokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
        .issuer(server.issuerUrl("default").toString())
        .clientId("tether-test-client")
        .clientSecret("tether-test-secret")
        .scopes("openid", "email")
        .build();
  }

  @Test
  void manage_followLinkAndCallback_accountActiveAndManageSaysActive() throws Exception {
    Tether tether = Tether.builder().redirectUri(REDIRECT_URI).discoverProviders(false)
        .provider(gmailAgainstSandbox()).build();
    Session session = tether.createSession("user_123");

    JsonNode first = JSON.readTree(session.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}"));
    JsonNode gmail = first.at("/data/results/gmail");
    assertThat(gmail.get("status").asText()).isEqualTo("initiated");
    URI link = URI.create(gmail.get("redirect_url").asText());
    String accountId = gmail.get("connected_account_id").asText();

    Map<String, String> callback = followAsBrowser(link);
    assertThat(callback).containsKeys("code", "state");
    CallbackResult result = tether.handleCallback(callback);

    assertThat(result.successful()).isTrue();
    assertThat(result.connectedAccountId()).contains(accountId);
    assertThat(tether.account(accountId)).get().extracting(ConnectedAccount::status).isEqualTo(ConnectionStatus.ACTIVE);
    JsonNode second = JSON.readTree(session.execute("COMPOSIO_MANAGE_CONNECTIONS",
        "{\"toolkits\":[\"gmail\"],\"session_id\":\"" + session.id() + "\"}"));
    assertThat(second.at("/data/results/gmail/status").asText()).isEqualTo("active");
    assertThat(second.at("/data/results/gmail/connected_account_id").asText()).isEqualTo(accountId);
    assertThat(second.at("/data/message").asText()).isEqualTo("All connections are active");
  }

  @Test
  void tokenRequest_carriesVerifierMatchingChallengeAndSameRedirectUri() throws Exception {
    Tether tether = Tether.builder().redirectUri(REDIRECT_URI).discoverProviders(false)
        .provider(gmailAgainstSandbox()).build();
    ConnectionRequest request = tether.createSession("user_pkce").authorize("gmail");
    Map<String, String> authorizationQuery = TestEngines.query(request.redirectUrl());

    CallbackResult result = tether.handleCallback(followAsBrowser(request.redirectUrl()));
    assertThat(result.successful()).isTrue();

    Map<String, String> tokenForm = tokenRequestForm();
    assertThat(authorizationQuery).containsEntry("code_challenge_method", "S256")
        .containsEntry("redirect_uri", REDIRECT_URI.toString())
        .containsEntry("response_type", "code");
    String verifier = tokenForm.get("code_verifier");
    assertThat(verifier).hasSize(43).matches("[A-Za-z0-9\\-._~]+");
    assertThat(s256(verifier)).isEqualTo(authorizationQuery.get("code_challenge"));
    assertThat(tokenForm).containsEntry("redirect_uri", REDIRECT_URI.toString())
        .containsEntry("grant_type", "authorization_code");
    assertThat(request.waitForConnection(java.time.Duration.ofSeconds(30)).status()).isEqualTo(ConnectionStatus.ACTIVE);
  }

  @Test
  void connectBaseUrl_linkResolvesToProviderAndCompletes() throws Exception {
    Tether tether = Tether.builder().redirectUri(REDIRECT_URI).discoverProviders(false)
        .connectBaseUrl(URI.create("https://connect.host.example/link"))
        .provider(gmailAgainstSandbox()).build();
    ConnectionRequest request = tether.createSession("user_link").authorize("gmail");
    assertThat(request.redirectUrl().toString()).startsWith("https://connect.host.example/link/ln_")
        .doesNotContain("state");
    String linkId = request.redirectUrl().getPath().substring("/link/".length());

    ConnectLink resolved = tether.connectLink(linkId).orElseThrow();
    assertThat(resolved.connectedAccountId()).isEqualTo(request.id());
    assertThat(resolved.needsForm()).isFalse();
    assertThat(tether.handleCallback(followAsBrowser(resolved.authorizationUrl().orElseThrow())).successful()).isTrue();
    assertThat(tether.connectLink(linkId)).as("a completed link no longer resolves").isEmpty();
  }

  /** GETs the authorization URL without following redirects and returns the callback's query. */
  private static Map<String, String> followAsBrowser(URI link) throws Exception {
    HttpResponse<String> response = BROWSER.send(HttpRequest.newBuilder(link).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("authorization endpoint redirects back").isBetween(300, 399);
    URI location = URI.create(response.headers().firstValue("Location").orElseThrow());
    assertThat(location.toString()).startsWith(REDIRECT_URI.toString());
    return TestEngines.query(location);
  }

  /** The form of the first token request this test's server received. */
  private Map<String, String> tokenRequestForm() {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RecordedRequest r = server.takeRequest(30, TimeUnit.SECONDS);
      seen.add(r.getMethod() + " " + r.getPath());
      if ("POST".equals(r.getMethod()) && r.getPath().contains("/token")) {
        return TestEngines.query(URI.create("x:/?" + r.getBody().readString(StandardCharsets.UTF_8)));
      }
    }
    throw new AssertionError("no token request recorded; saw " + seen);
  }

  private static String s256(String verifier) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
  }
}

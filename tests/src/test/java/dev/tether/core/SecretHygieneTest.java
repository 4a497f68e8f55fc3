package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import dev.tether.spi.Credentials;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BEHAVIOUR.md §9: full flows run while every log record (all levels), event, exception message,
 * meta-tool answer and public value's {@code toString()} is captured; no secret may appear.
 */
class SecretHygieneTest {
  private static final String CLIENT_SECRET = "client-secret-7f3a9c1e";
  private static final String API_KEY = "exa-secret-key-4d2b8e";
  private static final HttpClient BROWSER = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private final TestClock clock = TestClock.standing();
  private final Set<String> secrets = new LinkedHashSet<>();
  private final List<String> observed = new CopyOnWriteArrayList<>();
  private final Logger tetherLogs = Logger.getLogger("dev.tether");
  private final Handler capture = new Handler() {
    private final SimpleFormatter formatter = new SimpleFormatter();

    @Override
    public void publish(LogRecord record) {
      StringBuilder sb = new StringBuilder(formatter.formatMessage(record));
      for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
        sb.append(" | ").append(t);
      }
      observed.add("log: " + sb);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level previousLevel;
  private MockOAuth2Server server;

  @BeforeEach
  void start() throws Exception {
    previousLevel = tetherLogs.getLevel();
    tetherLogs.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    tetherLogs.addHandler(capture);
    server = AuthorizationServers.started(new OAuth2Config(false, null, null, true));
    secrets.add(CLIENT_SECRET);
    secrets.add(API_KEY);
  }

  @AfterEach
  void stop() {
    tetherLogs.removeHandler(capture);
    tetherLogs.setLevel(previousLevel);
    server.shutdown();
  }

  private void see(Object value) {
    observed.add(String.valueOf(value));
  }

  private void seeFailure(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        observed.add("exception: " + t);
      }
    }
  }

  private void secretsOf(Credentials c) {
    c.accessToken().ifPresent(s -> secrets.add(s.reveal()));
    c.refreshToken().ifPresent(s -> secrets.add(s.reveal()));
    see(c);
  }

  private Map<String, String> follow(URI authorizationUrl) throws Exception {
    secrets.add(FakeToolkitProvider.stateOf(authorizationUrl));
    HttpResponse<Void> r = BROWSER.send(HttpRequest.newBuilder(authorizationUrl).build(),
        HttpResponse.BodyHandlers.discarding());
    Map<String, String> callback = TestEngines.query(URI.create(r.headers().firstValue("Location").orElseThrow()));
    secrets.add(callback.get("code"));
    return callback;
  }

  @Test
  void fullFlows_leaveNoSecretInLogsEventsExceptionsOrValues() throws Exception {
    Tether tether = Tether.builder().redirectUri(URI.create("http://127.0.0.1/oauth/callback")).clock(clock)
        .connectBaseUrl(URI.create("https://host.example/link")).discoverProviders(false)
        .listener(this::see)
        .provider(OAuth2Toolkit.builder("gmail").name("Gmail")
            .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
            .tokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
            .clientId("hygiene-client").clientSecret(CLIENT_SECRET).scopes("openid").build())
        .provider(new ApiKeyCatalog())
        .build();
    see(tether);
    see(tether.providers());
    Session session = tether.createSession("alice",
        SessionOptions.builder().callbackUrl(URI.create("https://host.example/done?from=chat")).build());
    see(session);

    // OAuth 2.0 through the meta-tool and the connect link
    String json = session.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\",\"exa\"]}");
    see(json);
    ManageConnectionsResult typed = session.manageConnections(List.of("gmail", "exa"), false);
    see(typed);
    URI gmailLink = typed.results().get("gmail").redirectUrl().orElseThrow();
    String gmailLinkId = gmailLink.getPath().substring("/link/".length());
    ConnectLink resolved = tether.connectLink(gmailLinkId).orElseThrow();
    see(resolved);
    Map<String, String> callback = follow(resolved.authorizationUrl().orElseThrow());
    CallbackResult result = tether.handleCallback(callback);
    see(result);
    see(tether.handleCallback(callback));
    String gmailId = result.connectedAccountId().orElseThrow();
    see(tether.account(gmailId));
    see(session.toolkits());
    see(tether.accounts(AccountQuery.all()));
    secretsOf(tether.credentials(gmailId));
    recordVerifier();

    // refresh with rotation, then a refresh token revoked elsewhere
    Credentials first = tether.credentials(gmailId);
    clock.advance(Duration.between(clock.instant(), first.expiresAt().orElseThrow().minusSeconds(30)));
    Credentials second = tether.credentials(gmailId);
    secretsOf(second);
    refreshElsewhere(second.refreshToken().orElseThrow().reveal());
    clock.advance(Duration.ofHours(1));
    seeFailure(() -> tether.credentials(gmailId));

    // a denied link, an API key typed into the form, a malformed key
    ConnectionRequest denied = session.authorize("gmail");
    see(denied);
    ConnectLink deniedLink = tether.connectLink(denied.redirectUrl().getPath().substring("/link/".length())).orElseThrow();
    secrets.add(FakeToolkitProvider.stateOf(deniedLink.authorizationUrl().orElseThrow()));
    see(tether.handleCallback(Map.of("state", FakeToolkitProvider.stateOf(deniedLink.authorizationUrl().orElseThrow()),
        "error", "access_denied", "error_description", "no")));
    ConnectionRequest exa = session.authorize("exa");
    String exaLink = exa.redirectUrl().getPath().substring("/link/".length());
    see(tether.submitConnectLink(exaLink, Map.of("api_key", "bad key " + API_KEY)));
    see(tether.submitConnectLink(exaLink, Map.of("api_key", API_KEY)));
    secretsOf(tether.credentials(exa.id()));
    seeFailure(() -> session.connect("exa", Map.of("api_key", "short")));
    seeFailure(() -> tether.disable(gmailId));
    seeFailure(() -> session.authorize("nope"));
    seeFailure(() -> denied.waitForConnection(Duration.ofSeconds(30)));
    see(tether.handleCallback(Map.of("state", "forged", "code", "stolen-code")));
    tether.delete(gmailId);

    assertThat(secrets).as("secrets were collected").hasSizeGreaterThan(8);
    assertThat(observed).as("values were observed").hasSizeGreaterThan(20);
    for (String secret : secrets) {
      assertThat(secret).hasSizeGreaterThanOrEqualTo(6);
      assertThat(observed).as("nothing observed contains the secret %s…", secret.substring(0, 3))
          .noneMatch(text -> text.contains(secret) || text.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8)));
    }
  }

  /**
   * Without a connect base URL every link handed out is the provider's URL with the state in its
   * query, so each typed value that carries one must hide it when printed.
   */
  @Test
  void directLinks_everyPublicValueHidesTheState() throws Exception {
    Tether tether = Tether.builder().redirectUri(URI.create("http://127.0.0.1/oauth/callback")).clock(clock)
        .discoverProviders(false).listener(this::see)
        .provider(OAuth2Toolkit.builder("gmail").name("Gmail")
            .authorizationUrl(URI.create(server.authorizationEndpointUrl("default").toString()))
            .tokenUrl(URI.create(server.tokenEndpointUrl("default").toString()))
            .clientId("hygiene-client").clientSecret(CLIENT_SECRET).scopes("openid").build())
        .build();
    Session session = tether.createSession("alice",
        SessionOptions.builder().callbackUrl(URI.create("http://127.0.0.1/done?from=chat")).build());
    see(session.options());

    ManageConnectionsResult typed = session.manageConnections(List.of("gmail"), false);
    ManageConnectionsResult.ToolkitResult gmail = typed.results().get("gmail");
    secrets.add(FakeToolkitProvider.stateOf(gmail.redirectUrl().orElseThrow()));
    see(typed);
    see(gmail);
    see(typed.results());
    ConnectionRequest request = session.authorize("gmail");
    see(request);
    see(session.toolkits());
    Map<String, String> callback = follow(request.redirectUrl());
    see(tether.handleCallback(callback));
    see(tether.account(request.id()));
    see(session.manageConnections(List.of("gmail"), true));

    assertThat(observed).as("values were observed").hasSizeGreaterThan(8);
    for (String secret : secrets) {
      assertThat(observed).as("nothing observed contains the secret %s…", secret.substring(0, 3))
          .noneMatch(text -> text.contains(secret) || text.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8)));
    }
  }

  /** The PKCE verifier the token request carried, as the server saw it. */
  private void recordVerifier() {
    for (int i = 0; i < 10; i++) {
      RecordedRequest r = server.takeRequest(30, TimeUnit.SECONDS);
      String body = r.getBody().readString(StandardCharsets.UTF_8);
      if (body.contains("code_verifier=")) {
        secrets.add(TestEngines.query(URI.create("x:/?" + body)).get("code_verifier"));
        return;
      }
    }
    throw new AssertionError("no token request with a verifier");
  }

  private void refreshElsewhere(String refreshToken) throws Exception {
    String body = "grant_type=refresh_token&client_id=hygiene-client&client_secret=" + CLIENT_SECRET
        + "&refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8);
    HttpResponse<String> r = BROWSER.send(HttpRequest.newBuilder(URI.create(server.tokenEndpointUrl("default").toString()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
  }
}

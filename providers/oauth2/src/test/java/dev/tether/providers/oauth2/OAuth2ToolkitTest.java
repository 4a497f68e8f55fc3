package dev.tether.providers.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuth2ToolkitTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final URI REDIRECT = URI.create("https://host.example/oauth/callback");

  private LoopbackTokenServer server;
  private final CuedTimeoutHttpClient http = new CuedTimeoutHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackTokenServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuth2Toolkit.Builder gmail() {
    return gmail(URI.create("https://accounts.example/o/oauth2/auth?prompt=consent"));
  }

  private OAuth2Toolkit.Builder gmail(URI authorizationUrl) {
    return OAuth2Toolkit.builder("Gmail")
        .name("Gmail")
        .authorizationUrl(authorizationUrl)
        .tokenUrl(server.tokenUrl())
        .clientId("client-1")
        .clientSecret("CLIENT-SECRET")
        .scopes("email", "gmail.modify")
        .httpClient(http);
  }

  private static AuthorizationRequest request() {
    return new AuthorizationRequest("gmail", "user_1", Secret.of("STATE-VALUE"), "CHALLENGE", REDIRECT,
        List.of(), Map.of(), NOW);
  }

  private static ExchangeRequest exchange(String code) {
    return new ExchangeRequest("gmail", "user_1", Map.of("code", code), REDIRECT, Secret.of("VERIFIER-VALUE"),
        Map.of(), NOW);
  }

  static Map<String, String> params(String query) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      String[] kv = pair.split("=", 2);
      out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
          kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
    }
    return out;
  }

  @Test
  void authorize_buildsCodeUrlWithPkceStateScopeAndKeepsExistingQuery() {
    AuthorizationLink link = gmail().authorizationParameter("access_type", "offline").build().authorize(request());
    Map<String, String> q = params(link.url().getRawQuery());
    assertThat(link.url().getHost()).isEqualTo("accounts.example");
    assertThat(q).containsEntry("prompt", "consent")
        .containsEntry("response_type", "code")
        .containsEntry("client_id", "client-1")
        .containsEntry("redirect_uri", REDIRECT.toString())
        .containsEntry("scope", "email gmail.modify")
        .containsEntry("state", "STATE-VALUE")
        .containsEntry("code_challenge", "CHALLENGE")
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("access_type", "offline")
        .doesNotContainKey("client_secret");
    assertThat(link.url().getRawQuery()).contains("scope=email%20gmail.modify");
  }

  @Test
  void authorize_anAuthorizationUrlWithAFragment_keepsItAfterTheQuery_onTheTemplatePathAsOnTheGeneralOne() {
    OAuth2Toolkit toolkit = gmail(URI.create("https://accounts.example/o/oauth2/auth?prompt=consent#frag")).build();
    AuthorizationLink templated = toolkit.authorize(request()); // the spec's scopes: rendered from the template
    AuthorizationLink general = toolkit.authorize(new AuthorizationRequest("gmail", "user_1", Secret.of("STATE-VALUE"),
        "CHALLENGE", REDIRECT, List.of("email", "gmail.modify"), Map.of(), NOW));
    for (AuthorizationLink link : List.of(templated, general)) {
      assertThat(link.url().getRawFragment()).isEqualTo("frag");
      assertThat(params(link.url().getRawQuery())).containsEntry("state", "STATE-VALUE")
          .containsEntry("code_challenge", "CHALLENGE").containsEntry("prompt", "consent");
    }
    assertThat(params(templated.url().getRawQuery())).isEqualTo(params(general.url().getRawQuery()));
  }

  @Test
  void authorize_pkceOff_omitsChallenge_scopeSeparatorApplies() {
    AuthorizationLink link = gmail().pkce(false).scopeSeparator(",").build().authorize(request());
    Map<String, String> q = params(link.url().getRawQuery());
    assertThat(q).doesNotContainKeys("code_challenge", "code_challenge_method").containsEntry("scope", "email,gmail.modify");
  }

  @Test
  void authorize_withoutClient_failsDefinitivelyNamingTheSetting() {
    OAuth2Toolkit noClient = OAuth2Toolkit.builder("gmail").authorizationUrl(URI.create("https://a.example/auth"))
        .tokenUrl(server.tokenUrl()).build();
    assertThatThrownBy(() -> noClient.authorize(request())).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.isDefinitive()).isTrue();
      assertThat(e.errorCode()).isEqualTo("client_not_configured");
      assertThat(e.getMessage()).contains("clientId").contains("'gmail'");
    });
    assertThat(noClient.toolkits()).singleElement().satisfies(d -> {
      assertThat(d.slug()).isEqualTo("gmail");
      assertThat(d.authScheme()).isEqualTo(AuthScheme.OAUTH2);
    });
  }

  @Test
  void exchange_postsFormWithCodeVerifierRedirectAndClientCredentials() {
    Credentials c = gmail().build().exchange(exchange("CODE-1"));
    LoopbackTokenServer.Recorded r = server.requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.header("Accept")).isEqualTo("application/json");
    assertThat(params(r.body())).containsEntry("grant_type", "authorization_code").containsEntry("code", "CODE-1")
        .containsEntry("redirect_uri", REDIRECT.toString()).containsEntry("code_verifier", "VERIFIER-VALUE")
        .containsEntry("client_id", "client-1").containsEntry("client_secret", "CLIENT-SECRET");
    assertThat(c.accessToken()).contains(Secret.of("at"));
    assertThat(c.expiresAt()).contains(NOW.plusSeconds(3600));
    assertThat(c.scopes()).containsExactly("email", "gmail.modify");
    assertThat(c.attributes()).containsEntry("token_type", "Bearer");
    assertThat(http.sent()).singleElement()
        .satisfies(sent -> assertThat(sent.timeout()).contains(OAuth2Toolkit.DEFAULT_REQUEST_TIMEOUT));
  }

  @Test
  void exchange_clientSecretBasic_sendsAuthorizationHeaderNotBody() {
    gmail().clientSecretBasic(true).build().exchange(exchange("c"));
    LoopbackTokenServer.Recorded r = server.requests.get(0);
    assertThat(r.header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("client-1:CLIENT-SECRET".getBytes(StandardCharsets.UTF_8)));
    assertThat(params(r.body())).doesNotContainKeys("client_id", "client_secret");
  }

  @Test
  void exchange_missingExpiresIn_getsDefaultLifetimeNeverForever() {
    server.answer(200, "{\"access_token\":\"at\"}");
    assertThat(gmail().defaultTokenLifetime(Duration.ofMinutes(30)).build().exchange(exchange("c")).expiresAt())
        .contains(NOW.plus(Duration.ofMinutes(30)));
    assertThat(gmail().build().exchange(exchange("c")).expiresAt()).contains(NOW.plus(OAuth2Toolkit.DEFAULT_TOKEN_LIFETIME));
  }

  @Test
  void exchange_expiresInAsString_isRead() {
    server.answer(200, "{\"access_token\":\"at\",\"expires_in\":\"120\"}");
    assertThat(gmail().build().exchange(exchange("c")).expiresAt()).contains(NOW.plusSeconds(120));
  }

  @Test
  void exchange_errorJson_isDefinitiveWithSanitisedCode() {
    server.answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"code SECRET-CODE was used\"}");
    assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.isDefinitive()).isTrue();
      assertThat(e.errorCode()).isEqualTo("invalid_grant");
      assertThat(e.getMessage()).doesNotContain("SECRET");
    });
  }

  @Test
  void exchange_serverError_isTransient() {
    server.answer(503, "<html>down</html>");
    assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).isInstanceOfSatisfying(ProviderException.class, e -> {
      assertThat(e.isDefinitive()).isFalse();
      assertThat(e.errorCode()).isEqualTo("http_503");
    });
  }

  @Test
  void exchange_retryLaterStatuses_areTransient() {
    for (int status : new int[] {408, 425, 429}) {
      server.answer(status, "{\"error\":\"slow_down\"}");
      assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).as("HTTP %s", status)
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.isDefinitive()).isFalse();
            assertThat(e.errorCode()).isEqualTo("http_" + status);
          });
    }
  }

  @Test
  void exchange_nonJsonOrMissingToken_isTransient() {
    server.answer(200, "<html>not a token</html>");
    assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.errorCode()).isEqualTo("invalid_token_response"));
    server.answer(200, "{\"token_type\":\"Bearer\"}");
    assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.getMessage()).contains("without an access_token"));
  }

  @Test
  void exchange_negativeOrAbsurdExpiresIn_isRejected() {
    for (String bad : new String[] {"-5", "999999999999", "\"soon\""}) {
      server.answer(200, "{\"access_token\":\"at\",\"expires_in\":" + bad + "}");
      assertThatThrownBy(() -> gmail().build().exchange(exchange("c"))).as(bad)
          .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.errorCode()).isEqualTo("invalid_token_response"));
    }
  }

  @Test
  void exchange_slowServer_timesOutTransiently() {
    // The server holds the request; the client times it out once the server has it.
    http.timeOutNextRequestOn(server.holdRequests());
    assertThatThrownBy(() -> gmail().requestTimeout(Duration.ofSeconds(12)).build().exchange(exchange("c")))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isFalse();
          assertThat(e.errorCode()).isEqualTo("timeout");
          assertThat(e.getMessage()).contains("'gmail'").contains("within PT12S").doesNotContain("CLIENT-SECRET");
        });
    assertThat(server.requests).as("the request reached the server").hasSize(1);
    assertThat(http.sent()).singleElement().as("the configured budget is the request's timeout")
        .satisfies(sent -> assertThat(sent.timeout()).contains(Duration.ofSeconds(12)));
  }

  @Test
  void exchange_unreachable_isTransient() {
    OAuth2Toolkit toolkit = OAuth2Toolkit.builder("gmail").authorizationUrl(URI.create("https://a.example/auth"))
        .tokenUrl(URI.create("http://127.0.0.1:1/token")).clientId("c").build();
    assertThatThrownBy(() -> toolkit.exchange(exchange("c"))).isInstanceOfSatisfying(ProviderException.class,
        e -> assertThat(e.isDefinitive()).isFalse());
  }

  @Test
  void refresh_keepsOldRefreshTokenWhenNoneReturned_replacesRotatedOne() {
    Credentials current = Credentials.builder(AuthScheme.OAUTH2).accessToken("old").refreshToken("R1")
        .scopes(List.of("email")).build();
    OAuth2Toolkit toolkit = gmail().build();
    server.answer(200, "{\"access_token\":\"new\",\"expires_in\":60}");
    Credentials kept = toolkit.refresh(new RefreshRequest("gmail", "u", current, NOW));
    assertThat(kept.accessToken()).contains(Secret.of("new"));
    assertThat(kept.refreshToken()).contains(Secret.of("R1"));
    assertThat(kept.scopes()).containsExactly("email");
    assertThat(params(server.requests.get(0).body())).containsEntry("grant_type", "refresh_token")
        .containsEntry("refresh_token", "R1");

    server.answer(200, "{\"access_token\":\"newer\",\"refresh_token\":\"R2\",\"expires_in\":60}");
    assertThat(toolkit.refresh(new RefreshRequest("gmail", "u", kept, NOW)).refreshToken()).contains(Secret.of("R2"));
  }

  @Test
  void refresh_withoutRefreshToken_isDefinitive() {
    Credentials current = Credentials.builder(AuthScheme.OAUTH2).accessToken("old").build();
    assertThatThrownBy(() -> gmail().build().refresh(new RefreshRequest("gmail", "u", current, NOW)))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.errorCode()).isEqualTo("no_refresh_token");
        });
    assertThat(server.requests).isEmpty();
  }

  @Test
  void builder_checksSettings() {
    assertThatIllegalStateException().isThrownBy(() -> gmail().clientId("again"));
    assertThatIllegalStateException().isThrownBy(() -> OAuth2Toolkit.builder("x").build())
        .withMessageContaining("authorizationUrl");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("x").tokenUrl(URI.create("/relative")));
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("x").tokenUrl(URI.create("https:opaque")));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OAuth2Toolkit.builder("x").tokenUrl(URI.create("https://id:CLIENT-SECRET@as.example/t")))
        .withMessageContaining("user info").satisfies(e -> assertThat(e.getMessage()).doesNotContain("CLIENT-SECRET"));
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("Not A Slug"));
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("x").requestTimeout(Duration.ZERO));
  }

  @Test
  void toString_showsNoSecret() {
    assertThat(gmail().build().toString()).doesNotContain("CLIENT-SECRET").doesNotContain("client-1").contains("gmail");
  }

  @Test
  void builder_descriptionAndCategories_reachTheDescriptor_eachSetOnce() {
    OAuth2Toolkit.Builder b = OAuth2Toolkit.builder("acme").authorizationUrl(URI.create("https://a.example/auth"))
        .tokenUrl(URI.create("https://a.example/token")).description("Keep Acme's customer records")
        .categories("crm", "sales");
    assertThat(b.build().descriptor().description()).isEqualTo("Keep Acme's customer records");
    assertThat(b.build().descriptor().categories()).containsExactly("crm", "sales");
    assertThatIllegalStateException().isThrownBy(() -> b.description("again")).withMessageContaining("description");
    assertThatIllegalStateException().isThrownBy(() -> b.categories("crm")).withMessageContaining("categories");
    OAuth2Toolkit plain = OAuth2Toolkit.builder("plain").authorizationUrl(URI.create("https://a.example/auth"))
        .tokenUrl(URI.create("https://a.example/token")).build();
    assertThat(plain.descriptor().description()).isEmpty();
    assertThat(plain.descriptor().categories()).isEmpty();
  }

  @Test
  void builder_malformedDescriptionOrCategory_isRefusedWhenSet_namingTheToolkit() {
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("acme").description("x".repeat(301)))
        .withMessageContaining("'acme'").withMessageContaining("300");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("acme").description("a\nb"))
        .withMessageContaining("one-line");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Toolkit.builder("acme").categories("Email"))
        .withMessageContaining("'acme'").withMessageContaining("'Email'");
  }
}

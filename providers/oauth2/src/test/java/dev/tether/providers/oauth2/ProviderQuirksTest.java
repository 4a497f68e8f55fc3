package dev.tether.providers.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Catalog quirks a generic authorization server cannot show, against recorded-shape answers on loopback. */
class ProviderQuirksTest {
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

  private OAuth2Catalog catalogAt(String family) {
    return OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .client(family, "cid", "csecret")
        .endpoints(family, URI.create("https://auth.example/authorize"), server.tokenUrl())
        .httpClient(http)
        .build();
  }

  private static ExchangeRequest exchange(String slug, Map<String, String> flowState) {
    return new ExchangeRequest(slug, "u", Map.of("code", "CODE"), REDIRECT, Secret.of("VERIFIER"), flowState, NOW);
  }

  @Test
  void slack_tokenNestedUnderAuthedUser_keepsTeam() {
    server.answer(200, "{\"ok\":true,\"access_token\":\"xoxb-bot\",\"team\":{\"id\":\"T1\"},\"team_id\":\"T1\","
        + "\"authed_user\":{\"id\":\"U1\",\"access_token\":\"xoxp-user\",\"scope\":\"chat:write,users:read\","
        + "\"token_type\":\"user\"}}");
    Credentials c = catalogAt("slack").exchange(exchange("slack", Map.of()));
    assertThat(c.accessToken()).contains(Secret.of("xoxp-user"));
    assertThat(c.scopes()).containsExactly("chat:write", "users:read");
    assertThat(c.attributes()).containsEntry("team_id", "T1").containsEntry("token_type", "user");
    assertThat(c.expiresAt()).as("no expires_in: the family's default lifetime")
        .contains(NOW.plus(Duration.ofDays(365)));
    assertThat(OAuth2ToolkitTest.params(server.requests.get(0).body())).doesNotContainKey("code_verifier");
  }

  @Test
  void slack_http200WithOkFalse_isADefinitiveError() {
    server.answer(200, "{\"ok\":false,\"error\":\"invalid_code\"}");
    assertThatThrownBy(() -> catalogAt("slack").exchange(exchange("slack", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.errorCode()).isEqualTo("invalid_code");
        });
  }

  @Test
  void github_sendsAcceptJson_andStillReadsAFormAnswer() {
    server.formUnlessJsonAccepted = true;
    server.answer(200, "{\"access_token\":\"gho_json\",\"scope\":\"repo\",\"token_type\":\"bearer\"}");
    Credentials c = catalogAt("github").exchange(exchange("github", Map.of()));
    assertThat(server.requests.get(0).header("Accept")).isEqualTo("application/json");
    assertThat(c.accessToken()).contains(Secret.of("gho_json"));
    assertThat(c.expiresAt()).contains(NOW.plus(Duration.ofDays(365)));

    server.contentType = "application/x-www-form-urlencoded";
    server.answer(200, "access_token=gho_form&scope=repo%2Cuser&token_type=bearer");
    assertThat(catalogAt("github").exchange(exchange("github", Map.of())).accessToken()).contains(Secret.of("gho_form"));
    server.answer(200, "error=bad_verification_code&error_description=The+code+passed+is+incorrect");
    assertThatThrownBy(() -> catalogAt("github").exchange(exchange("github", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.errorCode()).isEqualTo("bad_verification_code"));
  }

  @Test
  void github_formAnswerThatCanBeReadTwoWays_isTransientNotAGuess() {
    server.contentType = "application/x-www-form-urlencoded";
    for (String unreadable : new String[] {"access_token=gho_a&scope=repo&access_token=gho_b",
        "access_token=gho_%zz&scope=repo"}) {
      server.answer(200, unreadable);
      assertThatThrownBy(() -> catalogAt("github").exchange(exchange("github", Map.of()))).as(unreadable)
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.isDefinitive()).isFalse();
            assertThat(e.errorCode()).isEqualTo("invalid_token_response");
            assertThat(e.getMessage()).doesNotContain("gho_");
          });
    }
  }

  @Test
  void notion_jsonBodyWithBasicAuth_keepsWorkspace() throws Exception {
    server.answer(200, "{\"access_token\":\"secret_abc\",\"token_type\":\"bearer\",\"bot_id\":\"b1\","
        + "\"workspace_id\":\"w1\",\"workspace_name\":\"Acme\"}");
    Credentials c = catalogAt("notion").exchange(exchange("notion", Map.of()));
    LoopbackTokenServer.Recorded r = server.requests.get(0);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Authorization")).isEqualTo("Basic "
        + Base64.getEncoder().encodeToString("cid:csecret".getBytes(StandardCharsets.UTF_8)));
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("grant_type").asText()).isEqualTo("authorization_code");
    assertThat(body.get("code").asText()).isEqualTo("CODE");
    assertThat(body.has("client_secret")).isFalse();
    assertThat(c.attributes()).containsEntry("workspace_id", "w1").containsEntry("workspace_name", "Acme")
        .containsEntry("bot_id", "b1");
  }

  /** Figma's and Pipedrive's token endpoints take the client credentials as HTTP Basic, not in the form. */
  @Test
  void figmaAndPipedrive_sendClientCredentialsAsBasic() {
    for (String family : new String[] {"figma", "pipedrive"}) {
      server.requests.clear();
      Credentials c = catalogAt(family).exchange(exchange(family, Map.of()));
      LoopbackTokenServer.Recorded r = server.requests.get(0);
      assertThat(r.header("Authorization")).as(family).isEqualTo("Basic "
          + Base64.getEncoder().encodeToString("cid:csecret".getBytes(StandardCharsets.UTF_8)));
      assertThat(r.header("Content-Type")).as(family).isEqualTo("application/x-www-form-urlencoded");
      assertThat(OAuth2ToolkitTest.params(r.body())).as(family).doesNotContainKeys("client_id", "client_secret")
          .containsEntry("code", "CODE").doesNotContainKey("code_verifier");
      assertThat(c.accessToken()).contains(Secret.of("at"));
    }
  }

  @Test
  void salesforce_keepsInstanceUrl_defaultLifetimeTwoHours() {
    server.answer(200, "{\"access_token\":\"00D\",\"refresh_token\":\"r\",\"instance_url\":\"https://na1.salesforce.com\"}");
    Credentials c = catalogAt("salesforce").exchange(exchange("salesforce", Map.of()));
    assertThat(c.attributes()).containsEntry("instance_url", "https://na1.salesforce.com");
    assertThat(c.expiresAt()).contains(NOW.plus(Duration.ofHours(2)));
  }

  @Test
  void zendesk_subdomainFillsTokenUrl_atExchangeAndRefresh() {
    String catalog = "{\"catalog_version\":1,\"families\":{\"zendesk\":{"
        + "\"authorization_url\":\"https://{subdomain}.zendesk.example/oauth/authorizations/new\","
        + "\"token_url\":\"" + server.base() + "/{subdomain}/oauth/tokens\","
        + "\"fields\":[{\"name\":\"subdomain\",\"label\":\"Subdomain\"}],"
        + "\"toolkits\":{\"zendesk\":{\"name\":\"Zendesk\"}}}}}";
    OAuth2Catalog zendesk = OAuth2Catalog.builder().catalog(catalog, "test").client("zendesk", "cid", "cs").build();
    server.answer(200, "{\"access_token\":\"zd\",\"refresh_token\":\"zr\"}");
    Credentials c = zendesk.exchange(exchange("zendesk", Map.of("subdomain", "acme")));
    assertThat(server.requests.get(0).path()).isEqualTo("/acme/oauth/tokens");
    assertThat(c.attributes()).containsEntry("subdomain", "acme");
    zendesk.refresh(new RefreshRequest("zendesk", "u", c, NOW));
    assertThat(server.requests.get(1).path()).isEqualTo("/acme/oauth/tokens");
  }

  @Test
  void missingExpiresIn_getsFamilyDefault_neverForever() {
    server.answer(200, "{\"access_token\":\"t\"}");
    assertThat(catalogAt("google").exchange(exchange("gmail", Map.of())).expiresAt()).contains(NOW.plusSeconds(3600));
  }

  @Test
  void serviceUnavailable_isTransient() {
    server.answer(503, "{\"error\":\"temporarily_unavailable\"}");
    assertThatThrownBy(() -> catalogAt("google").exchange(exchange("gmail", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isFalse();
          assertThat(e.errorCode()).isEqualTo("http_503");
        });
  }

  @Test
  void malformedJson_isTransient() {
    server.answer(200, "{\"access_token\": \"t\"");
    assertThatThrownBy(() -> catalogAt("google").exchange(exchange("gmail", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isFalse();
          assertThat(e.errorCode()).isEqualTo("invalid_token_response");
        });
  }

  @Test
  void slowResponse_timesOutTransiently() {
    // The server holds the request; the client times it out once the server has it.
    http.timeOutNextRequestOn(server.holdRequests());
    assertThatThrownBy(() -> catalogAt("google").exchange(exchange("gmail", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isFalse();
          assertThat(e.errorCode()).isEqualTo("timeout");
        });
    assertThat(server.requests).as("the request reached the server").hasSize(1);
    assertThat(http.sent()).singleElement().as("the catalog's default budget is the request's timeout")
        .satisfies(sent -> assertThat(sent.timeout()).contains(OAuth2Toolkit.DEFAULT_REQUEST_TIMEOUT));
  }

  @Test
  void refresh_rotatingFamily_replacesRefreshToken() {
    server.answer(200, "{\"access_token\":\"new\",\"refresh_token\":\"R2\",\"expires_in\":7200}");
    Credentials old = Credentials.builder(AuthScheme.OAUTH2).accessToken("old").refreshToken("R1").build();
    Credentials c = catalogAt("gitlab").refresh(new RefreshRequest("gitlab", "u", old, NOW));
    assertThat(c.refreshToken()).contains(Secret.of("R2"));
    assertThat(OAuth2ToolkitTest.params(server.requests.get(0).body())).containsEntry("refresh_token", "R1");
  }
}

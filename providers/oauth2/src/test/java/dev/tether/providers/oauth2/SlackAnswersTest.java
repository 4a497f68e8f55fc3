package dev.tether.providers.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The slack catalog entry against Slack's documented answers to refreshes and failures. */
class SlackAnswersTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private LoopbackTokenServer server;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackTokenServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuth2Catalog slack() {
    return OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .client("slack", "cid", "csecret")
        .endpoints("slack", URI.create("https://auth.example/authorize"), server.tokenUrl()).build();
  }

  /**
   * Token rotation: oauth.v2.access with grant_type=refresh_token answers the new user token at the
   * top level (@slack/oauth's OAuthV2TokenRefreshResponse: access_token, refresh_token, expires_in),
   * not under authed_user.
   */
  @Test
  void refresh_withRotation_readsTheTopLevelToken() {
    server.answer(200, "{\"ok\":true,\"app_id\":\"A1\",\"access_token\":\"xoxe.xoxp-NEW\",\"refresh_token\":\"xoxe-1-R2\","
        + "\"expires_in\":43200,\"token_type\":\"user\",\"team\":{\"id\":\"T1\"}}");
    Credentials old = Credentials.builder(AuthScheme.OAUTH2).accessToken("xoxe.xoxp-OLD").refreshToken("xoxe-1-R1")
        .expiresAt(NOW).build();
    Credentials got = slack().refresh(new RefreshRequest("slack", "u", old, NOW));
    assertThat(got.accessToken()).contains(Secret.of("xoxe.xoxp-NEW"));
    assertThat(got.refreshToken()).contains(Secret.of("xoxe-1-R2"));
    assertThat(got.expiresAt()).contains(NOW.plusSeconds(43200));
  }

  /** An exchange never falls back to the top level: there Slack puts the bot's token, not the user's. */
  @Test
  void exchange_withoutAuthedUser_isUnreadable_notTheBotsToken() {
    server.answer(200, "{\"ok\":true,\"access_token\":\"xoxb-BOT\",\"token_type\":\"bot\"}");
    ProviderException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> slack().exchange(
        new ExchangeRequest("slack", "u", Map.of("code", "C"), URI.create("https://h.example/cb"),
            Secret.of("V"), Map.of(), NOW)), ProviderException.class);
    assertThat(e.errorCode()).isEqualTo("invalid_token_response");
  }

  /** Slack: internal_error "likely due to a transient issue on our end"; ratelimited; service_unavailable. */
  @Test
  void okFalseWithATransientSlackError_isTransient() {
    for (String code : new String[] {"internal_error", "ratelimited", "service_unavailable"}) {
      server.answer(200, "{\"ok\":false,\"error\":\"" + code + "\"}");
      ProviderException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> slack().exchange(
          new ExchangeRequest("slack", "u", Map.of("code", "C"), URI.create("https://h.example/cb"),
              Secret.of("V"), Map.of(), NOW)), ProviderException.class);
      assertThat(e.isDefinitive()).as(code + " is a retry-later answer").isFalse();
    }
  }
}

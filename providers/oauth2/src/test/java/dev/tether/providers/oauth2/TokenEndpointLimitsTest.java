package dev.tether.providers.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Token-endpoint answers that ask for a retry, and answers too long to read: what each becomes.
 */
class TokenEndpointLimitsTest {
  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final URI REDIRECT = URI.create("https://host.example/oauth/callback");
  private LoopbackTokenServer server;

  @BeforeEach
  void start() throws Exception {
    server = new LoopbackTokenServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OAuth2Toolkit toolkit(URI tokenUrl) {
    return OAuth2Toolkit.builder("acme").authorizationUrl(URI.create("https://idp.example/authorize"))
        .tokenUrl(tokenUrl).clientId("client-1").clientSecret("CLIENT-SECRET").build();
  }

  private static ExchangeRequest exchange() {
    return new ExchangeRequest("acme", "u", Map.of("code", "CODE"), REDIRECT, Secret.of("V".repeat(43)), Map.of(), NOW);
  }

  private Object outcome(int status, String body) {
    server.answer(status, body);
    try {
      return toolkit(server.tokenUrl()).exchange(exchange());
    } catch (ProviderException e) {
      return (e.isDefinitive() ? "definitive:" : "transient:") + e.errorCode();
    }
  }

  /** RFC 6749 / Microsoft identity platform: temporarily_unavailable means "retry the request". */
  @Test
  void temporarilyUnavailable_inA400Body_isTransient() {
    assertThat(outcome(400, "{\"error\":\"temporarily_unavailable\"}")).isEqualTo("transient:temporarily_unavailable");
  }

  @Test
  void temporarilyUnavailable_inA200Body_isTransient() {
    assertThat(outcome(200, "{\"error\":\"temporarily_unavailable\"}")).isEqualTo("transient:temporarily_unavailable");
  }

  /** JSON is read as strictly as a form: a token given twice or content after the answer is unreadable. */
  @Test
  void jsonGivingATokenTwice_orContentAfterIt_isUnreadable() {
    assertThat(outcome(200, "{\"access_token\":\"first\",\"access_token\":\"second\",\"expires_in\":3600}"))
        .isEqualTo("transient:invalid_token_response");
    assertThat(outcome(200, "{\"access_token\":\"at\",\"expires_in\":3600} {\"error\":\"x\"}"))
        .isEqualTo("transient:invalid_token_response");
  }

  /** A whole number of seconds written as a float is that number; a fraction is not a lifetime. */
  @Test
  void expiresIn_aWholeFloat_isRead_aFractionIsNot() {
    assertThat(outcome(200, "{\"access_token\":\"at\",\"expires_in\":3600.0}")).isInstanceOfSatisfying(
        Credentials.class, c -> assertThat(c.expiresAt()).contains(NOW.plusSeconds(3600)));
    assertThat(outcome(200, "{\"access_token\":\"at\",\"expires_in\":3600.5}"))
        .isEqualTo("transient:invalid_token_response");
  }

  /** Slack's way of saying the same: {"ok":false,"error":"internal_error"} is worth a retry. */
  @Test
  void namedRetryLaterCodes_areTransient_otherNamedErrorsDefinitive() {
    assertThat(outcome(200, "{\"error\":\"server_error\"}")).isEqualTo("transient:server_error");
    assertThat(outcome(400, "{\"error\":\"invalid_grant\"}")).isEqualTo("definitive:invalid_grant");
  }

  /**
   * A token endpoint streaming 48 MB: the client stops reading past {@link
   * TokenEndpoint#MAX_RESPONSE_BYTES} (it used to buffer the whole body before checking its size).
   */
  @Test
  void hugeTokenResponse_isNotReadPastTheLimit() throws Exception {
    long total = 48L * 1024 * 1024;
    CompletableFuture<Long> written = new CompletableFuture<>();
    HttpServer big = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    big.createContext("/token", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(200, 0); // chunked
      long n = 0;
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      try (OutputStream out = ex.getResponseBody()) {
        out.write('{');
        n++;
        while (n + chunk.length < total) {
          out.write(chunk);
          n += chunk.length;
        }
        written.complete(n);
      } catch (IOException stopped) {
        written.complete(-n); // the client stopped reading: what "refused unread" would look like
      }
    });
    big.start();
    try {
      ProviderException e = catchThrowableOfType(
          () -> toolkit(URI.create("http://127.0.0.1:" + big.getAddress().getPort() + "/token")).exchange(exchange()),
          ProviderException.class);
      assertThat(e.errorCode()).isEqualTo("invalid_token_response");
      long n = written.get(30, TimeUnit.SECONDS);
      assertThat(n).as("bytes the client consumed before refusing (negative = it stopped early)")
          .isLessThan(TokenEndpoint.MAX_RESPONSE_BYTES * 4L);
    } finally {
      big.stop(0);
    }
  }
}

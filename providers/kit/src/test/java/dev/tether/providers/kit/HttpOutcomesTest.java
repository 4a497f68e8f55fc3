package dev.tether.providers.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.ProviderException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpOutcomesTest {
  private static final String UPSTREAM = "Token endpoint of 'gmail'";
  private static final HttpRequest REQUEST = HttpRequest.newBuilder(URI.create("https://as.example/token?x=SECRET"))
      .timeout(Duration.ofSeconds(12)).POST(HttpRequest.BodyPublishers.ofString("code=SECRET-CODE")).build();

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  /** The classification table: status → whether it is a failure by itself, and of which kind. */
  @ParameterizedTest(name = "HTTP {0} → {1}")
  @CsvSource({
      "100, body", "200, body", "201, body", "204, body", "301, body", "302, body", "304, body",
      "400, definitive", "401, definitive", "403, definitive", "404, definitive", "409, definitive",
      "410, definitive", "422, definitive", "499, definitive",
      "408, transient", "425, transient", "429, transient",
      "500, transient", "502, transient", "503, transient", "504, transient", "599, transient",
      "600, transient", "999, transient",
  })
  void status_isClassified(int status, String expected) {
    assertThat(HttpOutcomes.isTransient(status)).isEqualTo(expected.equals("transient"));
    assertThat(HttpOutcomes.isFailure(status)).isEqualTo(!expected.equals("body"));
    if (expected.equals("body")) {
      assertThatIllegalArgumentException().isThrownBy(() -> HttpOutcomes.failure(status, UPSTREAM))
          .withMessageContaining("read the body");
      return;
    }
    ProviderException e = HttpOutcomes.failure(status, UPSTREAM);
    assertThat(e.isDefinitive()).isEqualTo(expected.equals("definitive"));
    assertThat(e.errorCode()).isEqualTo("http_" + status);
    assertThat(e.getMessage()).startsWith(UPSTREAM).contains("HTTP " + status);
    assertThat(e.getMessage().contains("retry later")).isEqualTo(expected.equals("transient"));
  }

  @Test
  void status_everyCodeHasOneKind() {
    for (int status = 100; status <= 999; status++) {
      boolean transientStatus = status >= 500 || status == 408 || status == 425 || status == 429;
      assertThat(HttpOutcomes.isTransient(status)).as("%s", status).isEqualTo(transientStatus);
      assertThat(HttpOutcomes.isFailure(status)).as("%s", status).isEqualTo(status >= 400);
    }
  }

  @Test
  void send_returnsAnyAnswer_whateverItsStatus() {
    assertThat(HttpOutcomes.send(ScriptedHttpClient.answering(400, "{\"error\":\"x\"}"), REQUEST, UPSTREAM).statusCode())
        .isEqualTo(400);
    assertThat(HttpOutcomes.send(ScriptedHttpClient.answering(200, "ok"), REQUEST, UPSTREAM).body()).isEqualTo("ok");
  }

  @Test
  void send_timeout_isTransientNamingTheBudget() {
    assertFailure(r -> {
      throw new HttpTimeoutException("request timed out");
    }, "timeout", e -> assertThat(e.getMessage()).isEqualTo(UPSTREAM + " did not answer within PT12S; retry later"));
    assertFailure(r -> {
      throw new HttpConnectTimeoutException("connect timed out");
    }, "timeout", e -> { });
    HttpRequest noBudget = HttpRequest.newBuilder(URI.create("https://as.example/token")).build();
    assertThatThrownBy(() -> HttpOutcomes.send(ScriptedHttpClient.failing(r -> {
      throw new HttpTimeoutException("t");
    }), noBudget, UPSTREAM)).hasMessageContaining("did not answer in time");
  }

  @Test
  void send_ioFailure_isTransient() {
    assertFailure(r -> {
      throw new ConnectException("Connection refused: SECRET");
    }, "io_error", e -> assertThat(e.getMessage()).contains("ConnectException").contains("retry later"));
    assertFailure(r -> {
      throw new IOException("stream reset");
    }, "io_error", e -> { });
  }

  @Test
  void send_interrupted_isTransient_andKeepsTheFlag() {
    assertFailure(r -> {
      throw new InterruptedException();
    }, "interrupted", e -> assertThat(e.getMessage()).isEqualTo("Interrupted while calling " + UPSTREAM));
    assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is not swallowed").isTrue();
  }

  @Test
  void rejected_isDefinitive_withTheSanitisedUpstreamCode() {
    ProviderException e = HttpOutcomes.rejected(UPSTREAM, " Invalid_Grant ");
    assertThat(e.isDefinitive()).isTrue();
    assertThat(e.errorCode()).isEqualTo("invalid_grant");
    assertThat(e.getMessage()).isEqualTo(UPSTREAM + " rejected the grant (invalid_grant)");
    assertThat(HttpOutcomes.rejected(UPSTREAM, "<script>SECRET</script>").errorCode()).isEqualTo("provider_error");
    assertThat(HttpOutcomes.rejected(UPSTREAM, null).getMessage()).doesNotContain("null");
  }

  @Test
  void unreadable_isTransientInvalidTokenResponse() {
    ProviderException e = HttpOutcomes.unreadable(UPSTREAM, "answered without an access_token");
    assertThat(e.isDefinitive()).isFalse();
    assertThat(e.errorCode()).isEqualTo("invalid_token_response");
    assertThat(e.getMessage()).isEqualTo(UPSTREAM + " answered without an access_token");
  }

  private static void assertFailure(ScriptedHttpClient.Script script, String code, Consumer<ProviderException> more) {
    assertThatThrownBy(() -> HttpOutcomes.send(ScriptedHttpClient.failing(script), REQUEST, UPSTREAM))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isFalse();
          assertThat(e.errorCode()).isEqualTo(code);
          assertThat(e.getMessage()).startsWith(code.equals("interrupted") ? "Interrupted" : UPSTREAM)
              .doesNotContain("SECRET");
          assertThat(e.getCause()).as("no upstream text rides along").isNull();
          more.accept(e);
        });
  }
}

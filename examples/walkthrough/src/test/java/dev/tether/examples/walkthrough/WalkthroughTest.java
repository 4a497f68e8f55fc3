package dev.tether.examples.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Runs the README's walkthrough in-process and checks what it shows a person. */
class WalkthroughTest {
  @Test
  void walkthrough_playsBothFlowsAndTheLifecycle() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Walkthrough.Result result = Walkthrough.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(result.firstMessage()).isEqualTo("All connections have been initiated and are pending completion");
    assertThat(result.secondMessage()).isEqualTo("All connections are active");
    assertThat(result.manualGmail()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(result.manualExa()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(result.tokenRefreshed()).isTrue();
    assertThat(result.unusedLink()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(result.replacedAccount()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(result.replacement()).isEqualTo(ConnectionStatus.ACTIVE);

    assertThat(out).contains("\"status\" : \"initiated\"", "agent ← \"All connections are active\"",
        "/done?status=success&connected_account_id=ca_", "a password field", "refresh token rotated",
        "INITIATED → EXPIRED (link_expired)", "ACTIVE → INACTIVE (superseded_by_ca_");
    assertThat(out).as("no token is ever printed").doesNotContain("access_token").doesNotContain("exa-sandbox-key");
  }
}

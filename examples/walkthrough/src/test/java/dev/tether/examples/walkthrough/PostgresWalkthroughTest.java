package dev.tether.examples.walkthrough;

import static dev.tether.examples.walkthrough.WalkthroughTest.assertEventsFollowTheirStep;
import static dev.tether.examples.walkthrough.WalkthroughTest.assertNothingListensOn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scripted walkthrough with {@code --postgres}: an embedded PostgreSQL, and the engine restarted midway. */
class PostgresWalkthroughTest {
  private static final Pattern DATABASE = Pattern.compile("PostgreSQL \\(127\\.0\\.0\\.1:(\\d+), data in (\\S+)\\)");

  @Test
  void walkthrough_onPostgres_keepsTheAccountsActiveAndTheCredentialsAcrossARestart_andRefreshesAfterIt()
      throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    Walkthrough.Result result = Walkthrough.run(new PrintStream(buffer, true, StandardCharsets.UTF_8), true);
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(result.afterRestart()).as("every account, read by the restarted engine").hasSize(4)
        .allSatisfy((account, status) -> assertThat(status).as(account).isEqualTo(ConnectionStatus.ACTIVE));
    assertThat(result.credentialsAfterRestart()).as("the stored credentials, decrypted by the new store").isTrue();
    assertThat(result.tokenRefreshed()).as("a refresh at the sandbox, by the restarted engine").isTrue();
    assertThat(result.secondMessage()).isEqualTo("All connections are active");
    assertThat(result.unusedLink()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(result.replacedAccount()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(result.replacement()).isEqualTo(ConnectionStatus.ACTIVE);

    assertThat(out).contains("\nRestart: ", "store.close()", "both found", ", the one stored before the restart",
        "refresh token rotated", "INITIATED → EXPIRED (link_expired)", "stored in PostgreSQL");
    assertThat(out.indexOf("refresh token rotated")).as("the refresh comes after the restart")
        .isGreaterThan(out.indexOf("\nRestart: "));
    assertThat(out).as("no token or key is ever printed").doesNotContain("access_token").doesNotContain("exa-sandbox-key");
    assertEventsFollowTheirStep(out);

    Matcher database = DATABASE.matcher(out);
    assertThat(database.find()).as("the database is named").isTrue();
    assertNothingListensOn(Integer.parseInt(database.group(1)));
    assertThat(Path.of(database.group(2))).as("the data directory").satisfies(p -> assertThat(Files.exists(p)).isFalse());
  }
}

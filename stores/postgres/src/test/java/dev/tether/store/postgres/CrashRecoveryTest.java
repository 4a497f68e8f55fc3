package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.StoredAccount;
import dev.tether.testkit.TestClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node in a JVM of its own is killed with SIGKILL after connecting an account, and once in the
 * middle of a token exchange; a new engine on the same database finds everything, and the
 * interrupted flow is finished on retry, never half-written (BEHAVIOUR.md §10).
 */
class CrashRecoveryTest {
  private static final long BUDGET_SECONDS = 60;
  private final PostgresFixture db = new PostgresFixture();
  private TokenEndpoint tokens;
  private Process child;

  @AfterEach
  void stop() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(BUDGET_SECONDS, TimeUnit.SECONDS);
    }
    if (tokens != null) {
      tokens.close();
    }
    db.close();
  }

  /** A node in its own JVM, this one's class path; its standard error goes to this JVM's. */
  private final class Node {
    final BufferedReader out;
    final Writer in;
    final String sessionId;
    final String accountId;
    final URI link;

    Node() throws Exception {
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      db.builder().build().close(); // the schema exists before the child starts
      child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
          ChildNode.class.getName(), db.server.jdbcUrl(), db.schema, tokens.url().toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      in = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      sessionId = field("SESSION");
      accountId = field("ACCOUNT");
      link = URI.create(field("LINK"));
    }

    String field(String name) throws Exception {
      String line = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(BUDGET_SECONDS, TimeUnit.SECONDS);
      assertThat(line).as("the child node's next line").startsWith(name + " ");
      return line.substring(name.length() + 1);
    }

    void callback(String query) throws IOException {
      in.write("CALLBACK " + query + "\n");
      in.flush();
    }

    void kill() throws InterruptedException {
      child.destroyForcibly();
      assertThat(child.waitFor(BUDGET_SECONDS, TimeUnit.SECONDS)).isTrue();
    }
  }

  private Tether newEngine(TestClock clock) {
    return Tether.builder().redirectUri(ChildNode.REDIRECT_URI).clock(clock).discoverProviders(false)
        .provider(ChildNode.gmail(tokens.url())).store(db.store()).build();
  }

  private static String stateOf(URI link) {
    return Sandbox.query(link).get("state");
  }

  @Test
  void aNodeKilledAfterConnecting_losesNothing() throws Exception {
    tokens = new TokenEndpoint();
    Node node = new Node();
    String state = stateOf(node.link);
    node.callback("code=code-1&state=" + state);
    assertThat(node.field("RESULT")).isEqualTo("success");
    node.kill();

    Tether after = newEngine(new TestClock(Instant.now()));
    assertThat(after.session(node.sessionId)).isPresent();
    assertThat(after.account(node.accountId).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(after.credentials(node.accountId).accessToken().orElseThrow().reveal()).isEqualTo("durable-access-1");
    assertThat(after.credentials(node.accountId).refreshToken().orElseThrow().reveal()).isEqualTo("durable-refresh-1");

    Map<String, String> replay = new HashMap<>(Map.of("code", "code-1", "state", state));
    assertThat(after.handleCallback(replay).successful()).as("a replay gets the first outcome").isTrue();
    assertThat(tokens.requests()).as("and no second exchange").isEqualTo(1);
  }

  @Test
  void aNodeKilledMidExchange_leavesTheFlowRetryable_andARetryFinishesIt() throws Exception {
    tokens = new TokenEndpoint();
    tokens.hold();
    Node node = new Node();
    String state = stateOf(node.link);
    node.callback("code=code-1&state=" + state);
    assertThat(tokens.awaitRequest(BUDGET_SECONDS)).as("the child asked for its tokens").isTrue();
    node.kill();

    PostgresConnectionStore store = db.store();
    StoredAccount pending = store.account(node.accountId).orElseThrow();
    assertThat(pending.status()).as("never half-written").isEqualTo(ConnectionStatus.INITIATED);
    assertThat(pending.credentials()).isEmpty();
    String key = db.queryString("SELECT key FROM \"" + db.schema + "\".tether_flow WHERE account_id = '"
        + node.accountId + "'");
    TestClock clock = new TestClock(Instant.now());
    assertThat(store.claimFlow(key, "someone-else", clock.instant(), clock.instant().plusSeconds(60)).kind())
        .as("the dead node's claim holds until its lease lapses").isEqualTo(FlowClaim.Kind.BUSY);

    Tether after = newEngine(clock);
    tokens.answer();
    clock.advance(Duration.ofMinutes(3)); // past the claim's lease
    CallbackResult retried = after.handleCallback(Map.of("code", "code-1", "state", state));
    assertThat(retried.successful()).isTrue();
    assertThat(after.account(node.accountId).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(after.credentials(node.accountId).accessToken()).isPresent();
    assertThat(after.session(node.sessionId)).isPresent();
  }

}

package dev.tether.examples.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.ConnectionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the README's walkthrough in-process and checks what it shows a person. */
class WalkthroughTest {
  /** Generous: these budgets catch a hang, they do not race the code. */
  private static final Duration BUDGET = Duration.ofSeconds(30);

  private final ExecutorService background = Executors.newCachedThreadPool();
  private final List<Sandbox> sandboxes = new CopyOnWriteArrayList<>();
  private final Supplier<Sandbox> recordingSandboxes = () -> {
    Sandbox sandbox = new Sandbox(true);
    sandboxes.add(sandbox);
    return sandbox;
  };

  @AfterEach
  void stop() {
    background.shutdownNow();
    sandboxes.forEach(Sandbox::close);
  }

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

  @Test
  void serve_onAPortInUse_failsPromptlyNamingThePortAndTheFlag_andStopsTheSandbox() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Void> neverStopped = new CompletableFuture<>();
      Future<Integer> serving = background.submit(() -> Walkthrough.serve(port,
          new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
          neverStopped, recordingSandboxes));

      assertThat(serving.get(BUDGET.toSeconds(), TimeUnit.SECONDS)).as("exit status").isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
          .contains("port " + port, "in use", "--port N");
      assertThat(out.toString(StandardCharsets.UTF_8)).as("nothing claims to be serving").isEmpty();
      assertThat(sandboxes).as("the sandbox it started").singleElement().satisfies(WalkthroughTest::assertStopped);
    }
  }

  @Test
  void launch_badArguments_exitWithUsage() throws Exception {
    for (String[] args : List.of(new String[] {"--serve", "--port"}, new String[] {"--port", "eighty"},
        new String[] {"--port", "70000"}, new String[] {"--verbose"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = Walkthrough.launch(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8), new CompletableFuture<>());
      assertThat(status).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("usage: Walkthrough [--serve] [--port N]");
    }
  }

  private static void assertStopped(Sandbox sandbox) {
    assertNothingListensOn(sandbox.authorizationUrl().getPort());
  }

  private static void assertNothingListensOn(int port) {
    assertThatThrownBy(() -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) BUDGET.toMillis());
      }
    }).as("port %s is closed", port).isInstanceOf(ConnectException.class);
  }
}

package dev.tether.examples.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.ConnectionStatus;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the README's walkthrough in-process and checks what it shows a person. */
class WalkthroughTest {
  /** Generous: these budgets catch a hang, they do not race the code. */
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static final Pattern URL = Pattern.compile("https?://[^\\s\"),;]+");
  private static final Pattern EVENT = Pattern.compile("^ {3}event {3}(ca_\\w+) \\w+ (.*)$");

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
    assertThat(result.afterRestart()).as("in memory: nothing to restart").isEmpty();
    assertThat(result.tokenRefreshed()).isTrue();
    assertThat(result.unusedLink()).isEqualTo(ConnectionStatus.EXPIRED);
    assertThat(result.replacedAccount()).isEqualTo(ConnectionStatus.INACTIVE);
    assertThat(result.replacement()).isEqualTo(ConnectionStatus.ACTIVE);

    assertThat(out).contains("\"status\" : \"initiated\"", "agent ← \"All connections are active\"",
        "/done?status=success&connected_account_id=ca_", "a password field", "refresh token rotated",
        "INITIATED → EXPIRED (link_expired)", "ACTIVE → INACTIVE (superseded_by_ca_");
    assertThat(out).as("no token is ever printed").doesNotContain("access_token").doesNotContain("exa-sandbox-key");
    assertThat(out).as("a hash is called a fingerprint").contains("access token fingerprint #")
        .doesNotContainPattern("(?<!fingerprint) #[0-9a-f]{8}\\b");
    assertThat(out).as("no server root is offered as a page; the sandbox's answers 405")
        .doesNotContainPattern("https?://[^/\\s]+/?(?=[\\s,)]|$)")
        .contains("/.well-known/openid-configuration");
    assertEventsFollowTheirStep(out);
  }

  /**
   * Each event line comes after the step that caused it: the line before it names the account,
   * and the line after it does not report that account reaching the event's status (which is
   * what the output looked like when events were printed before their step).
   */
  static void assertEventsFollowTheirStep(String out) {
    List<String> lines = List.of(out.split("\n"));
    int events = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher event = EVENT.matcher(lines.get(i));
      if (!event.matches()) {
        continue;
      }
      events++;
      String account = event.group(1);
      String outcome = event.group(2).equals("token refreshed") ? "refreshed"
          : event.group(2).replaceAll("^\\w+ → (\\w+).*$", "$1");
      String before = nearestStepLine(lines, i, -1);
      String after = nearestStepLine(lines, i, +1);
      assertThat(before).as("the step before '%s'", lines.get(i)).contains(account);
      assertThat(after.contains(account) && (after.contains(outcome)
          || outcome.equals("ACTIVE") && after.contains("status=success")))
          .as("'%s' is printed before its step '%s'", lines.get(i), after).isFalse();
    }
    assertThat(events).as("event lines").isGreaterThanOrEqualTo(8);
  }

  private static String nearestStepLine(List<String> lines, int from, int direction) {
    for (int i = from + direction; i >= 0 && i < lines.size(); i += direction) {
      if (!EVENT.matcher(lines.get(i)).matches()) {
        return lines.get(i);
      }
    }
    return "";
  }

  @Test
  void serve_printsPagesThatOpenAndAnMcpEndpointThatListsTheTools_andStopsEverythingOnStop() throws Exception {
    LineWatcher out = new LineWatcher();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Future<Integer> serving = background.submit(() -> Walkthrough.serve(0, false, out.printStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), stop, recordingSandboxes));

    String printed = out.untilLine("Ctrl-C stops.").get(BUDGET.toSeconds(), TimeUnit.SECONDS);
    HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(BUDGET).build();
    List<String> urls = new ArrayList<>();
    URL.matcher(printed).results().forEach(m -> urls.add(m.group()));
    assertThat(urls).as("printed URLs").hasSizeGreaterThanOrEqualTo(3);
    for (String url : urls) {
      int status = browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(BUDGET).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      assertThat(status).as("GET %s", url).isNotEqualTo(405).isLessThan(500);
    }
    Matcher open = Pattern.compile("Open (\\S+) in a browser").matcher(printed);
    assertThat(open.find()).as("the page to open is named").isTrue();
    HttpResponse<String> page = browser.send(HttpRequest.newBuilder(URI.create(open.group(1))).timeout(BUDGET).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Gmail", "GitHub", "/connect/gmail");

    Matcher mcp = Pattern.compile("(?m)^MCP endpoint of this session [^:]*: (\\S+)$").matcher(printed);
    Matcher header = Pattern.compile("(?m)^MCP header, a SECRET [^:]*: (Authorization): (Bearer \\S+)$").matcher(printed);
    assertThat(mcp.find()).as("the MCP endpoint is printed").isTrue();
    assertThat(header.find()).as("the MCP header is printed").isTrue();
    String secret = header.group(2).substring("Bearer ".length());
    assertThat(printed.split(Pattern.quote(secret), -1)).as("the secret is printed once").hasSize(2);
    assertThat(printed).containsPattern("(?m)^MCP client config, one line .*\\{\"mcpServers\": \\{\"tether\": "
        + "\\{\"url\": \"" + Pattern.quote(mcp.group(1)) + "\", \"headers\": \\{\"Authorization\": .*$");
    URI mcpUrl = URI.create(mcp.group(1));
    assertThat(listTools(mcpUrl, Map.of(header.group(1), header.group(2))))
        .contains("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS", "COMPOSIO_WAIT_FOR_CONNECTIONS");

    stop.complete(null);
    assertThat(serving.get(BUDGET.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(out.text()).endsWith("Stopped.\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(sandboxes).singleElement().satisfies(WalkthroughTest::assertStopped);
    assertNothingListensOn(URI.create(open.group(1)).getPort());
    assertNothingListensOn(mcpUrl.getPort());
  }

  /** The tools an MCP client lists, with the MCP Java SDK's client configured as a person would. */
  private static List<String> listTools(URI url, Map<String, String> headers) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(url.getScheme() + "://" + url.getRawAuthority())
        .endpoint(url.getRawPath())
        .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
        .connectTimeout(BUDGET)
        .httpRequestCustomizer((request, method, uri, body, context) -> headers.forEach(request::header))
        .build();
    try (McpSyncClient client = McpClient.sync(transport)
        .clientInfo(new McpSchema.Implementation("walkthrough-test", "1"))
        .requestTimeout(BUDGET)
        .initializationTimeout(BUDGET)
        .build()) {
      client.initialize();
      return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }
  }

  @Test
  void serve_onAPortInUse_failsPromptlyNamingThePortAndTheFlag_andStopsTheSandbox() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Void> neverStopped = new CompletableFuture<>();
      Future<Integer> serving = background.submit(() -> Walkthrough.serve(port, false,
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
    assertNothingListensOn(sandbox.discoveryUrl().getPort());
  }

  static void assertNothingListensOn(int port) {
    assertThatThrownBy(() -> {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) BUDGET.toMillis());
      }
    }).as("port %s is closed", port).isInstanceOf(ConnectException.class);
  }

  /** Collects what is printed and completes a future when a given line has been printed. */
  private static final class LineWatcher extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<Waiting> waiting = new ArrayList<>();

    private record Waiting(String line, CompletableFuture<String> printed) {}

    PrintStream printStream() {
      return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    synchronized CompletableFuture<String> untilLine(String line) {
      Waiting w = new Waiting(line, new CompletableFuture<>());
      waiting.add(w);
      check();
      return w.printed();
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
      if (b == '\n') {
        check();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
      check();
    }

    private void check() {
      String text = bytes.toString(StandardCharsets.UTF_8);
      waiting.removeIf(w -> text.lines().anyMatch(w.line()::equals) && w.printed().complete(text));
    }
  }
}

package dev.tether.examples.walkthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.AccountQuery;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.ManageConnectionsResult;
import dev.tether.core.McpEndpoint;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.core.ToolkitInfo;
import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.spi.Credentials;
import dev.tether.spi.ToolkitProvider;
import dev.tether.testkit.TestClock;
import java.io.PrintStream;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Tether end to end, with no accounts, no credentials and no network beyond loopback: a sandbox
 * authorization server plays Google and GitHub, a small JDK HttpServer plays the host app, and
 * this class plays the agent and the user through both flows of the seed documents and the
 * account lifecycle. {@code --serve} keeps it all running for a person with a real browser, and
 * serves the demo session's meta-tools to MCP clients.
 */
public final class Walkthrough {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOOL = "COMPOSIO_MANAGE_CONNECTIONS";

  /**
   * What the walkthrough ended with, for its test.
   *
   * @param afterRestart with {@code --postgres}: every account's status as the restarted engine read
   *     it, by account id; empty otherwise
   * @param credentialsAfterRestart with {@code --postgres}: whether the restarted engine read the
   *     credentials the first engine had stored
   */
  record Result(String firstMessage, String secondMessage, ConnectionStatus manualGmail, ConnectionStatus manualExa,
      Map<String, ConnectionStatus> afterRestart, boolean credentialsAfterRestart, boolean tokenRefreshed,
      ConnectionStatus unusedLink, ConnectionStatus replacedAccount, ConnectionStatus replacement) {}

  private static final String USAGE = "usage: Walkthrough [--serve] [--port N] [--postgres]";

  private final PrintStream out;
  private final Browser user = new Browser();
  /** Events wait here for the line of the step that caused them (null: print them at once). */
  private final Queue<String> heldEvents;

  private Walkthrough(PrintStream out, boolean eventsAfterSteps) {
    this.out = out;
    this.heldEvents = eventsAfterSteps ? new ConcurrentLinkedQueue<>() : null;
  }

  /** {@code [--serve] [--port N] [--postgres]}; exits with a non-zero status when it cannot run. */
  public static void main(String[] args) throws Exception {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C: ask serve to stop, and hold the JVM until it has stopped everything it started.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.complete(null);
      try {
        stopped.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "walkthrough-shutdown"));
    int status;
    try {
      status = launch(args, System.out, System.err, stop);
    } finally {
      stopped.countDown();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * What {@link #main} does, without exiting the JVM: the scripted walkthrough, or with
   * {@code --serve} the interactive mode until {@code stop} completes; {@code --postgres} keeps
   * the engine's state in an embedded PostgreSQL instead of in memory.
   *
   * @return the exit status: 0, 1 when {@code --serve} cannot listen on its port, 2 for bad arguments
   */
  static int launch(String[] args, PrintStream out, PrintStream err, CompletionStage<?> stop) throws Exception {
    boolean serve = false;
    boolean postgres = false;
    int port = 8080;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--serve")) {
        serve = true;
      } else if (args[i].equals("--postgres")) {
        postgres = true;
      } else if (args[i].equals("--port") && i + 1 < args.length && args[i + 1].matches("\\d{1,5}")
          && Integer.parseInt(args[i + 1]) <= 65535) {
        port = Integer.parseInt(args[++i]);
      } else {
        err.println(USAGE + "   (" + (args[i].equals("--port") ? "--port needs a number from 0 to 65535"
            : "unknown argument '" + args[i] + "'") + ")");
        return 2;
      }
    }
    if (serve) {
      return serve(port, postgres, out, err, stop, () -> new Sandbox(true));
    }
    run(out, postgres);
    return 0;
  }

  /** The scripted walkthrough, in memory. */
  static Result run(PrintStream out) throws Exception {
    return run(out, false);
  }

  /** The scripted walkthrough; with {@code postgres}, on an embedded PostgreSQL, restarting the engine midway. */
  static Result run(PrintStream out, boolean postgres) throws Exception {
    return new Walkthrough(out, true).play(postgres);
  }

  /**
   * The sandbox catalog: gmail and github are the bundled catalog's toolkits, pointed at the
   * sandbox. A family with real client credentials in the environment ({@code TETHER_GOOGLE_*},
   * {@code TETHER_GITHUB_*}) keeps its real endpoints when {@code realWhereConfigured}.
   */
  static OAuth2Catalog catalog(Sandbox sandbox, boolean realWhereConfigured) {
    OAuth2Catalog.Builder b = OAuth2Catalog.builder();
    for (String[] family : new String[][] {{"google", "gmail"}, {"github", "github"}}) {
      if (realWhereConfigured && System.getenv(OAuth2Catalog.clientIdVariable(family[0])) != null) {
        continue;
      }
      b.client(family[0], "sandbox-" + family[0], "sandbox-secret")
          .endpoints(family[0], sandbox.authorizationUrl(), sandbox.tokenUrl())
          .scopes(family[1], "openid", "email");
    }
    // The sandbox's first token answer loads its JWT stack: seconds on a busy machine.
    return b.requestTimeout(Duration.ofSeconds(30)).build();
  }

  private Result play(boolean postgres) throws Exception {
    long started = System.nanoTime();
    TestClock clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    Result result;
    try (Sandbox sandbox = new Sandbox(false); HostApp host = new HostApp(0);
        Database db = postgres ? Database.start() : null) {
      List<ToolkitProvider> providers = providers(sandbox, false);
      // The node's store: closed at the restart, and by db.close() if still open.
      Database.Store node = db == null ? null : db.open();
      Tether tether = engine(host, providers, clock, node);
      host.serve(tether, toolkitNames(providers), null);
      out.println("Tether walkthrough: a sandbox identity provider (" + sandbox.discoveryUrl() + ")"
          + (db == null ? " and a host app (" + host.base().getAuthority() + ")"
              : ", a host app (" + host.base().getAuthority() + ") and PostgreSQL (" + db.address() + ", data in "
                  + db.dataDirectory() + ")")
          + " run on loopback until it ends");

      // ---------------------------------------------------------------- 1. in chat
      step("1. In chat: the agent needs gmail and github for user_123");
      Session chat = tether.createSession("user_123",
          SessionOptions.builder().callbackUrl(host.landingPage()).build());
      JsonNode first = agent(chat, "{\"toolkits\": [\"gmail\", \"github\"]}", true);
      for (String toolkit : List.of("gmail", "github")) {
        URI link = URI.create(first.at("/data/results/" + toolkit + "/redirect_url").asText());
        say("user  → opens the " + toolkit + " link " + link + " and signs in at the sandbox");
        HttpResponse<String> landed = user.signIn(link, "user_123");
        say("user  ← lands on " + landed.uri());
      }
      JsonNode second = agent(chat, "{\"toolkits\": [\"gmail\", \"github\"], \"session_id\": \"" + chat.id() + "\"}", false);
      String secondMessage = second.at("/data/message").asText();
      say("agent ← \"" + secondMessage + "\"");

      // ---------------------------------------------------------------- 2. manual pre-flight
      step("2. Manual pre-flight: the app connects user_456 before any chat (manageConnections=false)");
      Session app = tether.createSession("user_456", SessionOptions.builder().manageConnections(false)
          .toolkits("gmail", "github", "exa").callbackUrl(host.landingPage()).build());
      say("session.toolkits(): " + describe(app.toolkits().items()));
      List<String> required = List.of("gmail", "exa");
      List<String> connected = app.toolkits().items().stream()
          .filter(t -> t.connection().map(ToolkitInfo.Connection::isActive).orElse(false))
          .map(ToolkitInfo::slug).collect(Collectors.toList());
      List<String> pending = required.stream().filter(t -> !connected.contains(t)).collect(Collectors.toList());
      say("pending: " + pending);

      ConnectionRequest gmailRequest = app.authorize("gmail");
      say("authorize(\"gmail\") → " + gmailRequest.id() + " " + gmailRequest.status() + "; send the user to "
          + gmailRequest.redirectUrl());
      CompletableFuture<HttpResponse<String>> signingIn =
          CompletableFuture.supplyAsync(() -> user.signIn(gmailRequest.redirectUrl(), "user_456"));
      ConnectedAccount gmail = gmailRequest.waitForConnection(Duration.ofSeconds(30));
      signingIn.join();
      say("waitForConnection() → " + gmail.id() + " " + gmail.status());

      ConnectionRequest exaRequest = app.authorize("exa");
      say("authorize(\"exa\") → " + exaRequest.id() + " " + exaRequest.status() + "; send the user to "
          + exaRequest.redirectUrl());
      HttpResponse<String> formPage = user.open(exaRequest.redirectUrl());
      say("user  ← the link shows a form: " + (formPage.body().contains("type=\"password\"")
          ? "\"Exa API key\" (a password field)" : "?"));
      user.submit(exaRequest.redirectUrl(), Map.of("api_key", "exa-sandbox-key-0123456789"));
      ConnectedAccount exa = exaRequest.waitForConnection(Duration.ofSeconds(30));
      say("user  → submits a key; waitForConnection() → " + exa.id() + " " + exa.status());
      say("connected: " + app.toolkits().items().stream()
          .filter(t -> t.connection().map(ToolkitInfo.Connection::isActive).orElse(false))
          .map(t -> t.slug() + " " + t.connection().get().connectedAccount().get().id()).collect(Collectors.joining(", ")));

      // ---------------------------------------------------------------- restart (--postgres)
      Map<String, ConnectionStatus> afterRestart = new LinkedHashMap<>();
      boolean credentialsAfterRestart = false;
      if (db != null) {
        step("Restart: the engine and its store stop, as the app's node would; a new one starts on the same database");
        String fingerprintBefore = fingerprint(tether.credentials(gmail.id()));
        node.close();
        say("store.close(): its change feed and pool are closed, and the engine is dropped; the accounts stay in "
            + "PostgreSQL, their credentials encrypted with key \"" + Database.KEY_ID + "\" (AES-256-GCM)");
        node = db.open();
        tether = engine(host, providers, clock, node);
        host.use(tether);
        say("a new PostgresConnectionStore on the same database and key, and a new engine on it behind the host app");
        chat = tether.session(chat.id()).orElseThrow();
        app = tether.session(app.id()).orElseThrow();
        say("tether.session(\"" + chat.id() + "\") and tether.session(\"" + app.id() + "\") → both found");
        for (String userId : List.of(chat.userId(), app.userId())) {
          List<ConnectedAccount> accounts = tether.accounts(AccountQuery.ofUser(userId));
          accounts.forEach(a -> afterRestart.put(a.id(), a.status()));
          say("accounts(" + userId + ") → " + accounts.stream().map(a -> a.toolkit() + " " + a.id() + " " + a.status())
              .collect(Collectors.joining(", ")));
        }
        String fingerprintAfter = fingerprint(tether.credentials(gmail.id()));
        credentialsAfterRestart = fingerprintAfter.equals(fingerprintBefore);
        say("credentials(" + gmail.id() + ") → access token fingerprint " + fingerprintAfter
            + (credentialsAfterRestart ? ", the one stored before the restart" : ", NOT the one stored before the restart"));
      }

      // ---------------------------------------------------------------- 3. lifecycle
      step("3. Lifecycle: refresh, an unused link, reinitiate_all");
      Credentials before = tether.credentials(gmail.id());
      say("credentials(" + gmail.id() + ") → access token fingerprint " + fingerprint(before) + ", expires "
          + before.expiresAt().orElseThrow());
      clock.advance(Duration.ofMinutes(61));
      Credentials after = tether.credentials(gmail.id());
      boolean refreshed = !fingerprint(after).equals(fingerprint(before));
      say("clock +61 min → credentials(" + gmail.id() + ") refreshed at the sandbox → access token fingerprint "
          + fingerprint(after)
          + (after.refreshToken().equals(before.refreshToken()) ? "" : ", refresh token rotated"));

      ConnectionRequest unused = app.authorize("github");
      say("authorize(\"github\") → " + unused.id() + " " + unused.status() + ", and the user never opens it");
      clock.advance(Duration.ofMinutes(11));
      tether.cleanUp();
      ConnectionStatus unusedStatus = tether.account(unused.id()).orElseThrow().status();
      say("clock +11 min → " + unused.id() + " is " + unusedStatus);

      String oldGmail = chat.manageConnections(List.of("gmail"), false).results().get("gmail").connectedAccountId().orElseThrow();
      JsonNode reinit = agent(chat, "{\"toolkits\": [\"gmail\"], \"reinitiate_all\": true, \"session_id\": \"" + chat.id() + "\"}", false);
      String newGmail = reinit.at("/data/results/gmail/connected_account_id").asText();
      say("agent ← new link for " + newGmail + " (was_reinitiated=" + reinit.at("/data/results/gmail/was_reinitiated").asBoolean()
          + "); " + oldGmail + " is still " + tether.account(oldGmail).orElseThrow().status());
      user.signIn(URI.create(reinit.at("/data/results/gmail/redirect_url").asText()), "user_123");
      ConnectionStatus replaced = tether.account(oldGmail).orElseThrow().status();
      ConnectionStatus replacement = tether.account(newGmail).orElseThrow().status();
      say("user  → signs in again: " + newGmail + " " + replacement + ", " + oldGmail + " " + replaced);

      printHeldEvents();
      result = new Result(first.at("/data/message").asText(), secondMessage, gmail.status(), exa.status(),
          afterRestart, credentialsAfterRestart, refreshed, unusedStatus, replaced, replacement);
    }
    out.printf("%nDone in %.1f s. %s%n", (System.nanoTime() - started) / 1e9, postgres
        ? "Every account above was stored in PostgreSQL, whose server is now stopped and its data directory removed."
        : "Every account above lived in this JVM only.");
    return result;
  }

  /** The scripted walkthrough's engine: in memory, or on {@code node}'s store when not null. */
  private Tether engine(HostApp host, List<ToolkitProvider> providers, Clock clock, Database.Store node) {
    Tether.Builder b = engine(host, providers, clock);
    if (node != null) {
      b.store(node.store());
    }
    return b.build();
  }

  /** An engine served by {@code host}, with the walkthrough's providers and event lines; the caller builds it. */
  private Tether.Builder engine(HostApp host, List<ToolkitProvider> providers, Clock clock) {
    Tether.Builder b = Tether.builder()
        .redirectUri(host.callbackEndpoint())
        .connectBaseUrl(host.linkBase())
        .clock(clock)
        .discoverProviders(false)
        .listener(this::event);
    providers.forEach(b::provider);
    return b;
  }

  /** The sandbox's OAuth catalog and the API-key toolkits. */
  private static List<ToolkitProvider> providers(Sandbox sandbox, boolean realWhereConfigured) {
    return List.of(catalog(sandbox, realWhereConfigured), new ApiKeyCatalog());
  }

  /** Display names by slug, for the pages after sign-in: a callback names only its account. */
  static Map<String, String> toolkitNames(List<ToolkitProvider> providers) {
    Map<String, String> names = new LinkedHashMap<>();
    providers.forEach(p -> p.toolkits().forEach(t -> names.putIfAbsent(t.slug(), t.name())));
    return names;
  }

  /**
   * Listeners run inside the call that changed the account, so an event arrives before the step
   * that caused it can say what it did; the scripted walkthrough prints it after that step's line.
   */
  private void event(ConnectionEvent e) {
    String line;
    if (e.type() == ConnectionEvent.Type.STATUS_CHANGED && e.previousStatus().isPresent()) {
      line = "   event   " + e.accountId() + " " + e.toolkit() + " " + e.previousStatus().get() + " → " + e.status()
          + e.reason().map(r -> " (" + r + ")").orElse("");
    } else if (e.type() == ConnectionEvent.Type.TOKEN_REFRESHED) {
      line = "   event   " + e.accountId() + " " + e.toolkit() + " token refreshed";
    } else {
      return;
    }
    if (heldEvents != null) {
      heldEvents.add(line);
    } else {
      out.println(line);
    }
  }

  private void printHeldEvents() {
    for (String line = heldEvents == null ? null : heldEvents.poll(); line != null; line = heldEvents.poll()) {
      out.println(line);
    }
  }

  private JsonNode agent(Session session, String arguments, boolean showJson) throws Exception {
    say("agent → " + TOOL + " " + arguments);
    JsonNode response = JSON.readTree(session.execute(TOOL, arguments));
    if (showJson) {
      for (String line : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(response).split("\n")) {
        out.println("        " + line);
      }
    }
    return response;
  }

  private static String describe(List<ToolkitInfo> toolkits) {
    return toolkits.stream().map(t -> t.slug() + " " + t.connection().flatMap(ToolkitInfo.Connection::connectedAccount)
        .map(a -> a.status().name()).orElse("not connected")).collect(Collectors.joining(", "));
  }

  /** A short, one-way fingerprint: the walkthrough never prints a token. */
  private static String fingerprint(Credentials c) throws Exception {
    byte[] hash = MessageDigest.getInstance("SHA-256")
        .digest(c.accessToken().orElseThrow().reveal().getBytes(StandardCharsets.UTF_8));
    return "#" + HexFormat.of().formatHex(hash, 0, 4);
  }

  private void step(String title) {
    printHeldEvents();
    out.println();
    out.println(title);
  }

  /** One line of the current step, then the events it caused. */
  private void say(String line) {
    out.println("   " + line);
    printHeldEvents();
  }

  /**
   * {@code --serve}: keeps the sandbox (from {@code sandboxes}), the host app and its MCP endpoint,
   * and with {@code postgres} an embedded PostgreSQL under the engine, running for a person with a
   * browser or an MCP client until {@code stop} completes, then stops them all.
   *
   * @return 0 once stopped; 1 when the host app cannot listen on {@code port}, after one line on
   *     {@code err} naming the port and {@code --port N}, with everything started so far stopped
   */
  static int serve(int port, boolean postgres, PrintStream out, PrintStream err, CompletionStage<?> stop,
      Supplier<Sandbox> sandboxes) throws Exception {
    try (Sandbox sandbox = sandboxes.get()) {
      HostApp host;
      try {
        host = new HostApp(port);
      } catch (BindException e) {
        err.println("Cannot listen on port " + port + " (" + e.getMessage() + "); choose another port with --port N");
        return 1;
      }
      // The port is checked before PostgreSQL takes its seconds to start.
      try (host; Database db = postgres ? Database.start() : null; McpHost mcp = new McpHost()) {
        Walkthrough narrator = new Walkthrough(out, false);
        List<ToolkitProvider> providers = providers(sandbox, true);
        Tether.Builder engine = narrator.engine(host, providers, Clock.systemUTC()).mcpBaseUrl(mcp.base());
        if (db != null) {
          engine.store(db.open().store()); // closed by db.close()
        }
        Tether tether = engine.build();
        // No callback URL: after signing in, a person lands on tether-pages' landing page, and the
        // dashboard in the other tab has already changed the badge. An MCP client may wait for it.
        Session demo = tether.createSession("you", SessionOptions.builder().toolkits("gmail", "github", "exa")
            .waitForConnections(true).build());
        host.serve(tether, toolkitNames(providers), demo);
        mcp.serve(tether);
        List<String> real = new ArrayList<>();
        for (String family : List.of("google", "github")) {
          if (System.getenv(OAuth2Catalog.clientIdVariable(family)) != null) {
            real.add(family);
          }
        }
        out.println("Open " + host.base() + "/ in a browser: a dashboard for the user \"you\" with live status badges,"
            + " a scripted chat and the JSON the agent sees. Connect gmail, github or exa there; gmail and github show"
            + " the sandbox's sign-in page (any user name works).");
        out.println("Or open this gmail connect link: " + demo.authorize("gmail").redirectUrl());
        printMcp(out, demo.mcp());
        out.println("Sandbox identity provider: " + sandbox.discoveryUrl());
        if (db != null) {
          out.println("Store: PostgreSQL on " + db.address() + ", embedded; its data directory " + db.dataDirectory()
              + " is removed when this stops");
        }
        out.println("Real providers: " + (real.isEmpty() ? "none (set TETHER_GOOGLE_CLIENT_ID/SECRET or "
            + "TETHER_GITHUB_CLIENT_ID/SECRET and register " + host.callbackEndpoint() + ")" : real));
        out.println("Ctrl-C stops.");
        try {
          stop.toCompletableFuture().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    out.println("Stopped.");
    return 0;
  }

  /**
   * How to point an MCP client at the demo session: its URL, its header (a secret, printed this
   * once because the person must copy it), and a one-line client configuration without it.
   */
  private static void printMcp(PrintStream out, McpEndpoint endpoint) {
    out.println("MCP endpoint of this session (the chat's meta-tools, for an MCP client): " + endpoint.url());
    endpoint.headers().forEach((name, value) -> out.println("MCP header, a SECRET (it lets an MCP client act as"
        + " \"you\"; paste it into your MCP client only): " + name + ": " + value));
    String headers = endpoint.headers().keySet().stream()
        .map(name -> JSON.getNodeFactory().textNode(name) + ": \"<the " + name + " value above>\"")
        .collect(Collectors.joining(", "));
    out.println("MCP client config, one line (e.g. Cursor's ~/.cursor/mcp.json): {\"mcpServers\": {\"tether\": {\"url\": "
        + JSON.getNodeFactory().textNode(endpoint.url().toString()) + ", \"headers\": {" + headers + "}}}}");
  }
}

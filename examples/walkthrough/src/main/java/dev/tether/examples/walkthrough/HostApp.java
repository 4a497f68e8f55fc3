package dev.tether.examples.walkthrough;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.core.ConnectedAccount;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.pages.ConnectEndpoints;
import dev.tether.pages.ConnectPages;
import dev.tether.pages.Page;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The host application, framework-neutral: a JDK {@link HttpServer} with the endpoints every
 * Tether host serves, answered by {@code tether-pages}, plus {@code --serve}'s dashboard.
 *
 * <ul>
 *   <li>{@code GET /oauth/callback} — the OAuth redirect URI: {@link ConnectEndpoints#callback(URI)}
 *       redirects where the result says, or shows the landing or error page;
 *   <li>{@code GET /link/{id}} — a connect link: a redirect to the provider, or the form the
 *       toolkit needs (an API key); {@code POST /link/{id}} submits it;
 *   <li>{@code GET /done} — where users land after connecting when a callback URL is set
 *       ({@code status}, {@code connected_account_id}): the account's real status, read back;
 *   <li>in {@code --serve} mode, {@code GET /} — the dashboard: the demo user's toolkits with live
 *       badges, the scripted chat and the agent's last JSON; {@code GET /events} — the badges'
 *       server-sent events; {@code POST /chat} — a chat turn; {@code GET /connect/{toolkit}} —
 *       starts connecting one toolkit.
 * </ul>
 */
final class HostApp implements AutoCloseable {
  /** Form bodies larger than this are cut: a connect form holds a key or two. */
  private static final int MAX_FORM_BYTES = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService threads;
  private volatile Tether tether;
  private volatile ConnectEndpoints endpoints;
  private volatile Map<String, String> names = Map.of();
  private volatile Demo demo;

  /** {@code --serve}'s demo session, with its chat and its event stream. */
  private record Demo(Session session, ScriptedAgent agent, StatusStream events) {}

  /**
   * Binds {@code port} on loopback (0: any free port); nothing is started if that fails.
   *
   * @throws java.net.BindException if the port is taken (or not allowed)
   */
  HostApp(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    threads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "host-app");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  URI callbackEndpoint() {
    return URI.create(base() + "/oauth/callback");
  }

  URI linkBase() {
    return URI.create(base() + "/link");
  }

  URI landingPage() {
    return URI.create(base() + "/done");
  }

  /**
   * Starts serving for {@code engine}; {@code toolkitNames} (slug to display name) name toolkits on
   * the pages after sign-in; {@code demoSession}, when not null, gets the dashboard.
   */
  void serve(Tether engine, Map<String, String> toolkitNames, Session demoSession) {
    this.tether = engine;
    this.names = Map.copyOf(toolkitNames);
    this.endpoints = ConnectEndpoints.builder(engine).toolkitNames(toolkitNames).build();
    if (demoSession != null) {
      StatusStream events = new StatusStream(demoSession);
      engine.addListener(events);
      this.demo = new Demo(demoSession, new ScriptedAgent(demoSession, toolkitNames), events);
    }
    server.createContext("/oauth/callback", ex -> send(ex, endpoints.callback(ex.getRequestURI())));
    server.createContext("/link/", this::link);
    server.createContext("/done", this::done);
    server.createContext("/connect/", this::connect);
    server.createContext("/events", this::events);
    server.createContext("/chat", this::chat);
    server.createContext("/", this::index);
    server.start();
  }

  /**
   * Answers with {@code engine} from now on, as the app does after a restart (the scripted
   * walkthrough's {@code --postgres} restart). Not in {@code --serve} mode: the dashboard's session
   * belongs to the engine it was served with.
   */
  void use(Tether engine) {
    if (demo != null) {
      throw new IllegalStateException("The dashboard's session belongs to the engine it was served with");
    }
    this.endpoints = ConnectEndpoints.builder(engine).toolkitNames(names).build();
    this.tether = engine;
  }

  private void link(HttpExchange ex) throws IOException {
    String linkId = ex.getRequestURI().getPath().substring("/link/".length());
    switch (ex.getRequestMethod()) {
      case "GET" -> send(ex, endpoints.link(linkId));
      case "POST" -> send(ex, endpoints.submit(linkId, form(new String(ex.getRequestBody().readNBytes(MAX_FORM_BYTES),
          StandardCharsets.UTF_8))));
      default -> send(ex, Dashboard.message(405, "Not allowed", "A connect link is opened or its form submitted."));
    }
  }

  /** The host's own landing page: it trusts no query parameter, it reads the account back. */
  private void done(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawQuery();
    String accountId = form(raw == null ? "" : raw).getOrDefault("connected_account_id", "");
    Optional<ConnectedAccount> account = accountId.startsWith("ca_") ? tether.account(accountId) : Optional.empty();
    if (account.isEmpty()) {
      send(ex, Dashboard.message(404, "No such connection", "This page shows a connection after sign-in; "
          + "the one it names does not exist."));
      return;
    }
    ConnectedAccount a = account.get();
    String name = names.getOrDefault(a.toolkit(), a.toolkit());
    send(ex, a.status() == ConnectionStatus.ACTIVE ? ConnectPages.defaults().connected(name, Optional.empty())
        : ConnectPages.defaults().failed(name, a.statusReason().orElse(a.status().name().toLowerCase(Locale.ROOT))));
  }

  private void connect(HttpExchange ex) throws IOException {
    Demo d = demo;
    if (d == null) {
      send(ex, Dashboard.message(404, "Not found", "Only --serve mode has this page."));
      return;
    }
    String toolkit = ex.getRequestURI().getPath().substring("/connect/".length());
    try {
      ConnectionRequest request = d.session().authorize(toolkit);
      send(ex, Page.redirect(request.redirectUrl()));
    } catch (RuntimeException e) {
      // The engine's messages name the toolkit and the fix, never a secret.
      send(ex, Dashboard.message(400, "Cannot connect " + toolkit, e.getMessage()));
    }
  }

  private void events(HttpExchange ex) throws IOException {
    Demo d = demo;
    if (d == null || !ex.getRequestMethod().equals("GET")) {
      send(ex, Dashboard.message(404, "Not found", "Only --serve mode has this page."));
      return;
    }
    d.events().subscribe(ex);
  }

  private void chat(HttpExchange ex) throws IOException {
    Demo d = demo;
    if (d == null || !ex.getRequestMethod().equals("POST")) {
      send(ex, Dashboard.message(d == null ? 404 : 405, "Not found", "The chat takes a POST from the dashboard."));
      return;
    }
    // Browsers say where a form came from; another site's page may not drive this user's chat.
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      send(ex, Dashboard.message(403, "Not allowed", "The chat only takes messages from the dashboard."));
      return;
    }
    Map<String, String> values = form(new String(ex.getRequestBody().readNBytes(MAX_FORM_BYTES), StandardCharsets.UTF_8));
    if (values.containsKey("reset")) {
      d.agent().reset();
    } else {
      d.agent().hear(values.getOrDefault("message", ""));
    }
    send(ex, Page.redirect(URI.create(base() + "/#chat")));
  }

  private void index(HttpExchange ex) throws IOException {
    Demo d = demo;
    if (!ex.getRequestURI().getPath().equals("/") || d == null) {
      send(ex, Dashboard.message(404, "Not found", d == null ? "Only --serve mode has this page."
          : "There is no page here; the dashboard is at /."));
      return;
    }
    send(ex, Dashboard.render(d.session(), d.session().toolkits().items(), d.agent()));
  }

  /** Sends a page of {@code tether-pages} (or the dashboard) as it stands. */
  static void send(HttpExchange ex, Page page) throws IOException {
    page.headers().forEach(ex.getResponseHeaders()::set);
    byte[] body = page.html().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(page.status(), body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  static Map<String, String> form(String encoded) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        try {
          out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException malformed) {
          // a broken %-escape: the pair is dropped, as a browser never sends one
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    Demo d = demo;
    if (d != null) {
      tether.removeListener(d.events());
      d.events().close();
    }
    server.stop(0);
    threads.shutdownNow();
  }
}

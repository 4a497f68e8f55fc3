package dev.tether.examples.walkthrough;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectLink;
import dev.tether.core.ConnectLinkResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.core.ToolkitInfo;
import dev.tether.spi.ConnectionField;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The host application, framework-neutral: a JDK {@link HttpServer} with the two endpoints every
 * Tether host serves, plus a landing page.
 *
 * <ul>
 *   <li>{@code GET /oauth/callback} — the OAuth redirect URI: hands the request URI to
 *       {@link Tether#handleCallback(URI)} and redirects where the result says;
 *   <li>{@code GET /link/{id}} — a connect link: redirects to the provider, or shows the form the
 *       toolkit needs (an API key); {@code POST /link/{id}} submits it;
 *   <li>{@code GET /done} — where users land after connecting ({@code status},
 *       {@code connected_account_id});
 *   <li>{@code GET /} and {@code GET /connect/{toolkit}} — in {@code --serve} mode, a page to start
 *       connecting each toolkit of a demo session.
 * </ul>
 */
final class HostApp implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;
  private volatile Tether tether;
  private volatile Supplier<Session> demoSession;

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

  /** Starts serving for {@code engine}; {@code session} backs the landing page of {@code --serve}. */
  void serve(Tether engine, Supplier<Session> session) {
    this.tether = engine;
    this.demoSession = session;
    server.createContext("/oauth/callback", this::callback);
    server.createContext("/link/", this::link);
    server.createContext("/done", this::done);
    server.createContext("/connect/", this::connect);
    server.createContext("/", this::index);
    server.start();
  }

  private void callback(HttpExchange ex) throws IOException {
    CallbackResult result = tether.handleCallback(ex.getRequestURI());
    if (result.redirectUrl().isPresent()) {
      redirect(ex, 303, result.redirectUrl().get());
    } else {
      page(ex, result.successful() ? 200 : 400, result.successful() ? "Connected" : "This link cannot be used",
          "<p>" + (result.successful() ? "You can close this tab." : "Ask for a new link.") + "</p>");
    }
  }

  private void link(HttpExchange ex) throws IOException {
    String linkId = ex.getRequestURI().getPath().substring("/link/".length());
    if ("POST".equals(ex.getRequestMethod())) {
      Map<String, String> values = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ConnectLinkResult result = tether.submitConnectLink(linkId, values);
      if (!result.problems().isEmpty() && result.redirectUrl().isEmpty()) {
        ConnectLink again = tether.connectLink(linkId).orElse(null);
        if (again == null) {
          page(ex, 410, "Link expired", "<p>" + escape(String.join(" ", result.problems())) + "</p>");
        } else {
          formPage(ex, 400, linkId, again, result.problems());
        }
      } else if (result.redirectUrl().isPresent()) {
        redirect(ex, 303, result.redirectUrl().get());
      } else {
        page(ex, 200, "Connected", "<p>You can close this tab.</p>");
      }
      return;
    }
    ConnectLink target = tether.connectLink(linkId).orElse(null);
    if (target == null) {
      page(ex, 404, "Link unknown or expired", "<p>Ask for a new link.</p>");
    } else if (target.needsForm()) {
      formPage(ex, 200, linkId, target, List.of());
    } else {
      redirect(ex, 302, target.authorizationUrl().orElseThrow());
    }
  }

  private void done(HttpExchange ex) throws IOException {
    Map<String, String> q = form(ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery());
    boolean ok = "success".equals(q.get("status"));
    page(ex, 200, ok ? "Connected" : "Not connected", "<p>Account <code>" + escape(q.getOrDefault("connected_account_id", "?"))
        + "</code>: " + (ok ? "connected. You can go back to the chat." : "the connection failed.") + "</p>"
        + "<p><a href=\"/\">Back</a></p>");
  }

  private void connect(HttpExchange ex) throws IOException {
    String toolkit = ex.getRequestURI().getPath().substring("/connect/".length());
    Session demo = demoSession.get();
    if (demo == null) {
      page(ex, 404, "Not found", "<p>Only --serve mode has this page.</p>");
      return;
    }
    try {
      ConnectionRequest request = demo.authorize(toolkit);
      redirect(ex, 302, request.redirectUrl());
    } catch (RuntimeException e) {
      page(ex, 400, "Cannot connect " + escape(toolkit), "<p>" + escape(e.getMessage()) + "</p>");
    }
  }

  private void index(HttpExchange ex) throws IOException {
    Session demo = demoSession.get();
    if (!ex.getRequestURI().getPath().equals("/") || demo == null) {
      page(ex, 404, "Not found", demo == null ? "<p>Only --serve mode has this page.</p>" : "");
      return;
    }
    StringBuilder rows = new StringBuilder("<ul>");
    for (ToolkitInfo t : demo.toolkits().items()) {
      String status = t.isNoAuth() ? "no auth needed" : t.connection().flatMap(ToolkitInfo.Connection::connectedAccount)
          .map(a -> a.status() + " (" + a.id() + ")").orElse("not connected");
      rows.append("<li><b>").append(escape(t.name())).append("</b> — ").append(escape(status));
      if (!t.isNoAuth()) {
        rows.append(" — <a href=\"/connect/").append(t.slug()).append("\">connect</a>");
      }
      rows.append("</li>");
    }
    page(ex, 200, "Tether sandbox", "<p>User <code>" + escape(demo.userId()) + "</code></p>" + rows + "</ul>");
  }

  private void formPage(HttpExchange ex, int status, String linkId, ConnectLink link, List<String> problems)
      throws IOException {
    StringBuilder body = new StringBuilder();
    for (String p : problems) {
      body.append("<p style=\"color:#b00\">").append(escape(p)).append("</p>");
    }
    body.append("<form method=\"post\" action=\"/link/").append(escape(linkId)).append("\">");
    for (ConnectionField f : link.form()) {
      body.append("<p><label>").append(escape(f.label())).append("<br><input name=\"").append(escape(f.name()))
          .append("\" type=\"").append(f.secret() ? "password" : "text").append("\"")
          .append(f.required() ? " required" : "").append("></label></p>");
    }
    body.append("<p><button type=\"submit\">Connect</button></p></form>");
    page(ex, status, "Connect " + escape(link.toolkitName()), body.toString());
  }

  private static void redirect(HttpExchange ex, int status, URI to) throws IOException {
    ex.getResponseHeaders().add("Location", to.toString());
    ex.sendResponseHeaders(status, -1);
    ex.close();
  }

  private static void page(HttpExchange ex, int status, String title, String body) throws IOException {
    byte[] html = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>"
        + title + "</h1>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
    ex.sendResponseHeaders(status, html.length);
    ex.getResponseBody().write(html);
    ex.close();
  }

  static Map<String, String> form(String encoded) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

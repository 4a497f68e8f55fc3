package dev.tether.mcp;

import dev.tether.core.Session;
import dev.tether.core.SessionExpiredException;
import dev.tether.core.Tether;
import dev.tether.core.ToolDefinition;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Serves each Tether session's meta-tools to MCP clients over Streamable HTTP, with the official MCP
 * Java SDK: the endpoint {@link Session#mcp()} hands out, {@code {mcpBaseUrl}/{sessionId}} with
 * {@code Authorization: Bearer <secret>}. Map it under the engine's MCP base path, e.g.
 * {@code /mcp/*}.
 *
 * <p>Every request is checked, in this order:
 *
 * <ol>
 *   <li>the session named by the URL's last path segment, with the bearer of the
 *       {@code Authorization} header, as {@link Tether#mcpSession(String, String)} decides — an
 *       unknown or expired session and a missing or wrong bearer all get the same {@code 401} with
 *       {@code WWW-Authenticate: Bearer};
 *   <li>against DNS rebinding, the {@code Origin} header (absent is fine: non-browser clients send
 *       none) and the {@code Host} header, against the endpoint's own origin and host, loopback, and
 *       what {@link Builder} adds — {@code 403} for a foreign origin, {@code 421} for a foreign host;
 *   <li>{@code POST} only ({@code 405} otherwise: the endpoint keeps no per-client state and offers
 *       no SSE stream, so there is nothing to {@code GET} or {@code DELETE});
 *   <li>the body's size ({@code 413} over {@link #DEFAULT_MAX_REQUEST_BYTES} by default);
 *   <li>the body as one JSON-RPC message ({@code 400} with a JSON-RPC error: {@code -32700} for what
 *       is not JSON, a duplicated key or content after the message included, {@code -32600} for what
 *       is not one request (a batch, a response, an id that is no string or integer), {@code -32602}
 *       for a {@code tools/call} without a tool name, or arguments, {@code _meta} and the like that
 *       are not objects), each with a fixed sentence, never text from the request.
 * </ol>
 *
 * <p>An error the SDK answers itself (a message it cannot read that these checks let through) goes
 * out as a JSON-RPC error with a fixed sentence too, never as the SDK's serialized exception.
 *
 * <p>Then the SDK's stateless Streamable HTTP transport answers: {@code tools/list} gives exactly
 * {@link Session#tools()} with their JSON schemas and annotations ({@link ToolDefinition#hints()}),
 * and {@code tools/call} runs {@link Session#execute(String, String)} and returns its JSON as the
 * result's text, with {@code isError} when the answer says {@code "successful": false}. No
 * {@code Mcp-Session-Id} is issued: the Tether session, proved on every request, is the session,
 * so nothing a client holds can reach another session's tools. Error bodies and logs never carry
 * the bearer.
 *
 * <p>The servlet neither needs nor starts asynchronous processing or threads. Thread-safe: one
 * instance serves every session concurrently.
 */
public final class TetherMcpServlet extends HttpServlet {
  /** The default limit of a request body, 1 MiB (a meta-tool's arguments are at most 64 KiB). */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

  private static final long serialVersionUID = 1L;
  private static final String BEARER = "bearer ";

  private final transient Tether tether;
  private final transient OriginGuard guard;
  private final transient ToolSetServers servers;
  private final transient int maxRequestBytes;
  private transient volatile boolean destroyed;

  /**
   * A servlet with the default options: the endpoint's own origin and host plus loopback, and a
   * 1 MiB request limit.
   *
   * @param tether the engine whose sessions it serves; not null
   */
  public TetherMcpServlet(Tether tether) {
    this(builder(tether));
  }

  private TetherMcpServlet(Builder builder) {
    this.tether = builder.tether;
    this.maxRequestBytes = builder.maxRequestBytes == null ? DEFAULT_MAX_REQUEST_BYTES : builder.maxRequestBytes;
    this.guard = new OriginGuard(List.copyOf(builder.origins), List.copyOf(builder.hosts), builder.anyHost);
    this.servers = new ToolSetServers(maxRequestBytes);
  }

  /**
   * Starts a servlet with options.
   *
   * @param tether the engine whose sessions it serves; not null
   * @return a builder
   */
  public static Builder builder(Tether tether) {
    return new Builder(Objects.requireNonNull(tether, "tether"));
  }

  /**
   * Checks the request (see the class description) and hands it to the MCP transport.
   *
   * @param request the request
   * @param response the response
   * @throws ServletException if the transport fails
   * @throws IOException if the connection fails
   */
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws ServletException, IOException {
    if (destroyed) {
      Rejections.reject(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "The MCP endpoint is shutting down");
      return;
    }
    Session session = tether.mcpSession(sessionId(request), bearer(request)).orElse(null);
    if (session == null) {
      Rejections.unauthorized(response);
      return;
    }
    try {
      guard.check(request, session);
    } catch (ServerTransportSecurityException e) {
      Rejections.reject(response, e.getStatusCode(), e.getMessage());
      return;
    } catch (SessionExpiredException e) {
      Rejections.unauthorized(response);
      return;
    }
    if (!"POST".equals(request.getMethod())) {
      response.setHeader("Allow", "POST");
      Rejections.reject(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
          "This MCP endpoint takes JSON-RPC messages by POST; it keeps no per-client session and offers no SSE stream");
      return;
    }
    if (request.getContentLengthLong() > maxRequestBytes) {
      Rejections.reject(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "The request body is larger than " + maxRequestBytes + " bytes");
      return;
    }
    List<ToolDefinition> tools;
    try {
      tools = session.tools();
    } catch (SessionExpiredException e) {
      Rejections.unauthorized(response);
      return;
    }
    // Read here (at most the limit), checked as one JSON-RPC message, then handed to the SDK: what
    // it cannot read it answers with a serialized exception, stack trace and request text included.
    byte[] body = request.getInputStream().readNBytes(maxRequestBytes + 1);
    if (body.length > maxRequestBytes) {
      Rejections.reject(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "The request body is larger than " + maxRequestBytes + " bytes");
      return;
    }
    JsonRpcCheck.Checked checked = JsonRpcCheck.check(body);
    JsonRpcCheck.Refusal refusal = checked.refusal();
    if (refusal != null) {
      Rejections.reject(response, HttpServletResponse.SC_BAD_REQUEST, refusal.code(), refusal.id(), refusal.message());
      return;
    }
    if (body.length >= 3 && (body[0] & 0xff) == 0xef && (body[1] & 0xff) == 0xbb && (body[2] & 0xff) == 0xbf) {
      body = java.util.Arrays.copyOfRange(body, 3, body.length); // a UTF-8 byte order mark the SDK cannot read
    }
    request = new ReadBody(request, body);
    // What the SDK answers is held back: an error it answers itself may be its serialized exception
    // (stack trace, and text from the message), which goes out as a fixed JSON-RPC error instead.
    HeldAnswer held = new HeldAnswer(response);
    request.setAttribute(ToolSetServers.SESSION_ATTRIBUTE, session);
    try {
      servers.forTools(tools).service(request, held);
    } finally {
      request.removeAttribute(ToolSetServers.SESSION_ATTRIBUTE);
    }
    held.send(checked.id());
  }

  /** Stops answering: requests still arriving get {@code 503}. */
  @Override
  public void destroy() {
    destroyed = true;
    servers.close();
    super.destroy();
  }

  /** The last segment of the raw request path: the session id, as {@code Session.mcp()} puts it there. */
  static String sessionId(HttpServletRequest request) {
    String path = request.getRequestURI();
    if (path == null) {
      return null;
    }
    String id = path.substring(path.lastIndexOf('/') + 1);
    return id.isEmpty() ? null : id;
  }

  /** The token of the one {@code Authorization: Bearer …} header, or null. */
  static String bearer(HttpServletRequest request) {
    List<String> values = Collections.list(request.getHeaders("Authorization"));
    if (values.size() != 1) {
      return null;
    }
    String value = values.get(0).strip();
    if (value.length() <= BEARER.length() || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String token = value.substring(BEARER.length()).strip();
    return token.isEmpty() || token.indexOf(' ') >= 0 ? null : token;
  }

  /**
   * Options of a {@link TetherMcpServlet}. Not thread-safe; the servlet it builds is.
   */
  public static final class Builder {
    private final Tether tether;
    private final Set<String> origins = new LinkedHashSet<>();
    private final Set<String> hosts = new LinkedHashSet<>();
    private boolean anyHost;
    private Integer maxRequestBytes;

    private Builder(Tether tether) {
      this.tether = tether;
    }

    /**
     * Also accepts requests whose {@code Origin} header is one of these, e.g. a web app on another
     * origin that talks to the endpoint. Requests without {@code Origin} and from the endpoint's own
     * origin are always accepted. Note that the servlet answers no CORS preflight.
     *
     * @param allowed origins such as {@code https://app.example.com}, or
     *     {@code http://localhost:*} for any port
     * @return this builder
     * @throws IllegalArgumentException if one is not {@code http(s)://host[:port|:*]}
     */
    public Builder allowedOrigins(String... allowed) {
      for (String origin : Objects.requireNonNull(allowed, "allowed")) {
        origins.add(OriginGuard.checkOrigin(origin));
      }
      return this;
    }

    /**
     * Also accepts requests whose {@code Host} header is one of these, e.g. the name a reverse proxy
     * forwards with. The host of the endpoint {@code Session.mcp()} gives and the loopback names
     * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}) are always accepted, on any port.
     *
     * @param allowed host names with an optional port: {@code mcp.internal}, {@code mcp.internal:8080},
     *     {@code mcp.internal:*}
     * @return this builder
     * @throws IllegalArgumentException if one is blank or has a scheme, path or spaces
     * @throws IllegalStateException if {@link #allowAnyHost()} was called
     */
    public Builder allowedHosts(String... allowed) {
      if (anyHost) {
        throw new IllegalStateException("allowAnyHost() was already called; allowedHosts(...) would have no effect");
      }
      for (String host : Objects.requireNonNull(allowed, "allowed")) {
        hosts.add(OriginGuard.checkHost(host));
      }
      return this;
    }

    /**
     * Accepts any {@code Host} header. Only for a servlet that no browser can reach by a name an
     * attacker controls, e.g. behind a proxy that rewrites {@code Host} to names you cannot list.
     *
     * @return this builder
     * @throws IllegalStateException if {@link #allowedHosts(String...)} was called
     */
    public Builder allowAnyHost() {
      if (!hosts.isEmpty()) {
        throw new IllegalStateException("allowedHosts" + hosts + " was already called; allowAnyHost() would drop it");
      }
      anyHost = true;
      return this;
    }

    /**
     * The largest request body accepted; larger ones get {@code 413}.
     *
     * @param bytes at least 1024; the default is {@link #DEFAULT_MAX_REQUEST_BYTES}
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is below 1024
     * @throws IllegalStateException if it was already set
     */
    public Builder maxRequestBytes(int bytes) {
      if (maxRequestBytes != null) {
        throw new IllegalStateException("maxRequestBytes was already set to " + maxRequestBytes);
      }
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxRequestBytes must be at least 1024, got " + bytes);
      }
      maxRequestBytes = bytes;
      return this;
    }

    /**
     * Builds the servlet.
     *
     * @return a servlet to register with the container
     */
    public TetherMcpServlet build() {
      return new TetherMcpServlet(this);
    }
  }
}

package dev.tether.core;

import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredSession;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One end user's working context: the toolkits they may use, their connections, and the
 * {@code COMPOSIO_MANAGE_CONNECTIONS} meta-tool an agent calls on their behalf.
 *
 * <p>Immutable once created (id {@code trs_…}). A session idle longer than the engine's session
 * timeout expires; calls on it then throw {@link SessionExpiredException} (or, for
 * {@link #execute}, answer {@code successful: false}). Thread-safe.
 */
public final class Session {
  private final Engine engine;
  private final StoredSession record;

  Session(Engine engine, StoredSession record) {
    this.engine = engine;
    this.record = record;
  }

  /**
   * The session id, {@code trs_…}.
   *
   * @return the id to find the session again with {@link Tether#session(String)}
   */
  public String id() {
    return record.id();
  }

  /**
   * The end user this session acts for.
   *
   * @return the user id the session was created with
   */
  public String userId() {
    return record.userId();
  }

  /**
   * The options the session was created with.
   *
   * @return the options, unchanged since creation
   */
  public SessionOptions options() {
    return record.options();
  }

  /**
   * When the session was created.
   *
   * @return the engine clock's time at creation
   */
  public Instant createdAt() {
    return record.createdAt();
  }

  /**
   * Every toolkit of the session with the user's connection state, ordered by slug.
   *
   * @return the first page of up to {@value ToolkitQuery#MAX_LIMIT} toolkits
   * @throws SessionExpiredException if the session has expired
   */
  public ToolkitPage toolkits() {
    return toolkits(ToolkitQuery.all());
  }

  /**
   * The session's toolkits, filtered and paged.
   *
   * @param query the filter, page size and cursor; not null
   * @return one page of toolkits, ordered by slug, with the cursor of the next page if any
   * @throws SessionExpiredException if the session has expired
   */
  public ToolkitPage toolkits(ToolkitQuery query) {
    Instant now = engine.begin();
    return engine.connections().toolkits(live(now), query, now);
  }

  /**
   * Starts connecting {@code toolkit}: creates a new INITIATED account and returns its link. A
   * previous pending link for the same user and toolkit expires; an ACTIVE account stays ACTIVE
   * until the new one completes.
   *
   * @param toolkit the toolkit's slug, as typed (it is normalised)
   * @return the started request: the new account's id and the URL to send the user to
   * @throws UnknownToolkitException if no provider serves the toolkit
   * @throws ToolkitNotEnabledException if the session leaves it out
   * @throws LinkCreationException if no link can be built (e.g. no OAuth client configured)
   * @throws IllegalArgumentException if the toolkit needs no authorization ({@code isNoAuth()}): it
   *     has no accounts and is always usable
   * @throws IllegalStateException if the session pins an account for the toolkit
   */
  public ConnectionRequest authorize(String toolkit) {
    return authorize(toolkit, (URI) null, engine.begin());
  }

  /**
   * As {@link #authorize(String)}, landing the user on {@code callbackUrl} (which wins over the
   * session's) with {@code status} and {@code connected_account_id} appended.
   *
   * @param toolkit the toolkit's slug, as typed (it is normalised)
   * @param callbackUrl where the user lands afterwards; not null
   * @return the started request: the new account's id and the URL to send the user to
   * @throws IllegalArgumentException if the callback URL is not an allowed absolute http(s) URL
   */
  public ConnectionRequest authorize(String toolkit, URI callbackUrl) {
    return authorize(toolkit, Objects.requireNonNull(callbackUrl, "callbackUrl"), engine.begin());
  }

  /**
   * Connects a toolkit whose users type their credentials (API key, bearer token, user name and
   * password) with values the host already has, skipping the connect link: (new) → ACTIVE. In
   * single-account mode the user's previous ACTIVE account for the toolkit becomes INACTIVE.
   *
   * @param toolkit the toolkit's slug, as typed (it is normalised)
   * @param fields values by field name, as listed by the toolkit's form
   * @return the new ACTIVE account
   * @throws IllegalArgumentException if the toolkit does not take typed credentials or a value is
   *     missing or malformed (the message names the field, never its value)
   * @throws LinkCreationException in multi-account mode, when the user's accounts (and a pending
   *     link, which holds a place) already fill the session's room; or when the provider could not
   *     check the values now (a transient failure: retry later)
   */
  public ConnectedAccount connect(String toolkit, Map<String, String> fields) {
    Instant now = engine.begin();
    return engine.forms().connect(live(now), toolkit, fields, now);
  }

  /**
   * The meta-tool, typed: checks each toolkit and starts connecting the ones that are not active
   * (all of them when {@code reinitiateAll}). Works whether or not the session offers the
   * meta-tool to an agent.
   *
   * @param toolkits the slugs to check, as typed (normalised and de-duplicated, first wins)
   * @param reinitiateAll true to start a new link even for toolkits already ACTIVE
   * @return one outcome per distinct toolkit, with counts and the agent's message
   * @throws IllegalArgumentException if {@code toolkits} is empty, has over 50 entries, or holds a
   *     null entry (a blank one is reported as a failed toolkit, as an unknown slug is)
   * @throws SessionExpiredException if the session has expired
   */
  public ManageConnectionsResult manageConnections(List<String> toolkits, boolean reinitiateAll) {
    ConnectionChecks checks = engine.checks();
    long start = checks.start();
    ManageConnectionsResult result;
    try {
      Instant now = engine.begin();
      result = engine.connections().manage(live(now), toolkits, reinitiateAll, now);
    } catch (IllegalArgumentException | SessionExpiredException e) {
      checks.refused(ConnectionCheck.Source.TYPED, start);
      throw e;
    }
    checks.managed(ConnectionCheck.Source.TYPED, result.results().values(), start);
    return result;
  }

  /**
   * The meta-tools this session offers: {@code COMPOSIO_MANAGE_CONNECTIONS} and {@code
   * COMPOSIO_SEARCH_TOOLS} unless {@code manageConnections} is off, and {@code
   * COMPOSIO_WAIT_FOR_CONNECTIONS} when {@code waitForConnections} is on.
   *
   * @return the tool definitions to register with an LLM framework; zero to three elements
   * @throws SessionExpiredException if the session has expired
   */
  public List<ToolDefinition> tools() {
    return engine.metaTools().offeredTo(live(engine.begin()).options());
  }

  /**
   * Runs a meta-tool: JSON arguments in, JSON response out, in the wire format of the hosted
   * meta-tools. Never throws for bad input (a null tool slug or arguments included): a request
   * that cannot run, or for a tool this session does not offer, answers {@code {"successful":
   * false, "error": "…"}} and changes nothing.
   *
   * @param toolSlug the tool's name, one of {@link #tools()}, e.g. {@code COMPOSIO_MANAGE_CONNECTIONS}
   * @param argumentsJson the tool call's arguments as a JSON object, as the model wrote them
   * @return the response as JSON text, to hand back to the model
   */
  public String execute(String toolSlug, String argumentsJson) {
    return engine.metaTools().execute(engine, record.id(), toolSlug, argumentsJson);
  }

  /**
   * The session's MCP endpoint, for Claude Desktop, Cursor and other MCP clients: its URL under the
   * engine's MCP base URL and the header with the session's bearer secret. The tools it serves are
   * {@link #tools()}.
   *
   * @return the endpoint; its headers hold a secret: hand them to the client, never log them
   * @throws IllegalStateException if the engine has no {@code Tether.builder().mcpBaseUrl(...)}
   * @throws SessionExpiredException if the session has expired
   */
  public McpEndpoint mcp() {
    StoredSession s = live(engine.begin());
    URI base = engine.config().mcpBaseUrl();
    if (base == null) {
      throw new IllegalStateException("The engine has no MCP base URL; set Tether.builder().mcpBaseUrl(...) to "
          + "where the host serves MCP (e.g. tether-mcp's TetherMcpServlet)");
    }
    return new McpEndpoint("http", EngineConfig.under(base, s.id()),
        Map.of("Authorization", "Bearer " + s.bearer().reveal()));
  }

  private ConnectionRequest authorize(String toolkit, URI callbackUrl, Instant now) {
    StoredAccount created = engine.links().authorize(live(now), engine.registry(), toolkit, callbackUrl, now);
    return new ConnectionRequest(engine, created.id(), created.toolkit(), created.redirectUrl(),
        created.link().orElseThrow().expiresAt());
  }

  private StoredSession live(Instant now) {
    return engine.sessions().require(record.id(), now);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Session && ((Session) o).record.id().equals(record.id());
  }

  @Override
  public int hashCode() {
    return record.id().hashCode();
  }

  @Override
  public String toString() {
    return "Session[" + record.id() + ", user=" + record.userId() + "]";
  }
}

package dev.tether.core;

import com.fasterxml.jackson.core.JsonToken;
import dev.tether.core.ManageConnectionsResult.ToolkitResult;
import dev.tether.core.MetaToolJson.BadArguments;
import dev.tether.core.store.StoredSession;
import java.time.Instant;
import java.util.List;

/**
 * {@code COMPOSIO_MANAGE_CONNECTIONS} (BEHAVIOUR.md §5) on the wire, and everything an agent reads
 * of it: its description and schema, the sentences of its answers. Parses the arguments, runs
 * {@link ToolkitConnections#manage}, renders the hosted tool's JSON. Request-level problems give
 * {@code successful: false} with a one-sentence {@code error} and change nothing. Thread-safe:
 * stateless.
 */
final class ManageConnectionsTool implements MetaTool {
  static final String SLUG = "COMPOSIO_MANAGE_CONNECTIONS";
  private static final String EXAMPLE = "{\"toolkits\": [\"gmail\"]}";

  static final ToolDefinition DEFINITION = new ToolDefinition(SLUG,
      "Check the user's connections to the given toolkits and start connecting the ones that are not "
          + "active. For each toolkit that is not connected it returns a redirect_url: give it to the user "
          + "and ask them to open it, then call this tool again to confirm. Only pass toolkits that "
          + "exist; never invent one.",
      "{\"type\":\"object\",\"properties\":{"
          + "\"toolkits\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"maxItems\":50,"
          + "\"description\":\"Toolkits to check or connect, e.g. [\\\"gmail\\\", \\\"github\\\"]. Never invent one. "
          + "A toolkit that is not connected gets a connection link.\"},"
          + "\"reinitiate_all\":{\"type\":\"boolean\",\"default\":false,\"description\":\"Force a new connection "
          + "for every listed toolkit, even those with an active connection. Use when connections seem stale "
          + "or broken.\"},"
          + "\"session_id\":{\"type\":\"string\",\"description\":\"ALWAYS pass the session_id returned by the "
          + "previous call.\"}},"
          + "\"required\":[\"toolkits\"],\"additionalProperties\":true}",
      // Starts links (providers may be called); reinitiate_all supersedes a pending link, so a repeat
      // is not free of effects and a link the user holds may stop working.
      new ToolDefinition.Hints(false, true, false, true));

  @Override
  public ToolDefinition definition() {
    return DEFINITION;
  }

  @Override
  public boolean offeredTo(SessionOptions options) {
    return options.manageConnections();
  }

  @Override
  public String notOffered() {
    return SLUG + " is disabled for this session (manageConnections=false); the application connects accounts "
        + "itself.";
  }

  @Override
  public ConnectionCheck.Source source() {
    return ConnectionCheck.Source.MANAGE_CONNECTIONS;
  }

  @Override
  public String execute(Engine engine, StoredSession session, String argumentsJson, Instant now, long start) {
    Arguments args = new Arguments();
    String problem = MetaToolJson.readObject(argumentsJson, EXAMPLE, (field, value, p) -> {
      switch (field) {
        case "toolkits":
          args.toolkits = MetaToolJson.toolkits(value, p);
          return true;
        case "reinitiate_all":
          if (value != JsonToken.VALUE_NULL && !value.isBoolean()) {
            throw new BadArguments("reinitiate_all must be true or false.");
          }
          args.reinitiateAll = value == JsonToken.VALUE_TRUE;
          return true;
        case "session_id":
          args.sessionId = MetaToolJson.sessionId(value, p);
          return true;
        default:
          return false;
      }
    });
    if (problem == null) {
      problem = MetaToolJson.checkSessionId(args.sessionId, session.id(), SLUG);
    }
    if (problem == null && args.toolkits == null) {
      problem = "toolkits is required: pass an array of 1 to " + ToolkitConnections.MAX_TOOLKITS_PER_CALL
          + " toolkit slugs, e.g. [\"gmail\"].";
    }
    if (problem != null) {
      return refuse(engine, problem, start);
    }
    ToolkitConnections.Checked checked;
    try {
      checked = engine.connections().check(session, args.toolkits, args.reinitiateAll, now);
    } catch (IllegalArgumentException e) {
      return refuse(engine, e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".", start);
    }
    String answer = render(checked);
    engine.checks().managed(ConnectionCheck.Source.MANAGE_CONNECTIONS, checked.results(), start);
    return answer;
  }

  private static String refuse(Engine engine, String problem, long start) {
    String answer = MetaToolJson.error(problem);
    engine.checks().refused(ConnectionCheck.Source.MANAGE_CONNECTIONS, start);
    return answer;
  }

  /** The arguments as read. */
  private static final class Arguments {
    List<String> toolkits;
    boolean reinitiateAll;
    String sessionId;
  }

  /** The overall sentence of an answer. */
  static String message(ManageConnectionsResult.Summary s) {
    if (s.activeConnections() == s.totalToolkits()) {
      return "All connections are active";
    }
    if (s.initiatedConnections() == s.totalToolkits()) {
      return "All connections have been initiated and are pending completion";
    }
    return s.activeConnections() + " active, " + s.initiatedConnections() + " initiated and "
        + s.failedConnections() + " failed, out of " + s.totalToolkits() + (s.totalToolkits() == 1 ? " toolkit"
        : " toolkits");
  }

  private static final JsonConstants.Key TOOLKIT = JsonConstants.Key.of("toolkit");
  private static final JsonConstants.Key STATUS = JsonConstants.Key.of("status");
  private static final JsonConstants.Key ACCOUNT_ID = JsonConstants.Key.of("connected_account_id");
  private static final JsonConstants.Key CREATED_AT = JsonConstants.Key.of("created_at");
  private static final JsonConstants.Key REDIRECT_URL = JsonConstants.Key.of("redirect_url");
  private static final JsonConstants.Key INSTRUCTION = JsonConstants.Key.of("instruction");
  private static final JsonConstants.Key ID = JsonConstants.Key.of("id");
  private static final JsonConstants.Key INSTRUCTIONS = JsonConstants.Key.of("instructions");
  private static final JsonConstants.Key ERROR_MESSAGE = JsonConstants.Key.of("error_message");
  private static final JsonConstants.Members CONNECTED =
      JsonConstants.Members.of("\"status\":\"active\",\"has_active_connection\":true");
  /** The hot case's members up to the account id, written in one copy. */
  private static final JsonConstants.Key CONNECTED_ACCOUNT_ID = JsonConstants.Key.of(CONNECTED, "connected_account_id");

  static String render(ToolkitConnections.Checked result) {
    List<ToolkitResult> results = result.results();
    // Sized for the common answer (every toolkit ACTIVE, ~200 characters each): growing it copied it.
    JsonText json = new JsonText(320 + 224 * results.size()).begin().beginObject("data")
        .field("message", result.message())
        .beginObject("results");
    for (int i = 0; i < results.size(); i++) {
      writeResult(json, results.get(i));
    }
    ManageConnectionsResult.Summary summary = result.summary();
    json.end().beginObject("summary")
        .field("total_toolkits", summary.totalToolkits())
        .field("active_connections", summary.activeConnections())
        .field("initiated_connections", summary.initiatedConnections())
        .field("failed_connections", summary.failedConnections())
        .end().beginObject("session")
        .field(ID, result.sessionId())
        .field(INSTRUCTIONS, MetaTools.SESSION_INSTRUCTIONS, result.sessionId())
        .end().end()
        .nullField("error")
        .field("successful", true);
    return json.end().finish();
  }

  /** One toolkit's member of {@code results}: named by its slug, which it repeats as {@code toolkit}. */
  private static void writeResult(JsonText json, ToolkitResult r) {
    json.beginObjectEchoing(r.toolkit(), TOOLKIT);
    boolean connected = r.status() == ManageConnectionsResult.Status.ACTIVE && r.hasActiveConnection();
    if (connected && r.connectedAccountId().isPresent()) {
      json.field(CONNECTED_ACCOUNT_ID, r.connectedAccountId().get()); // the hot case: one copy up to the id
    } else {
      if (connected) {
        json.members(CONNECTED);
      } else {
        json.field(STATUS, r.status().wire());
        if (r.hasActiveConnection()) {
          json.field("has_active_connection", true);
        }
      }
      if (r.connectedAccountId().isPresent()) {
        json.field(ACCOUNT_ID, r.connectedAccountId().get());
      }
    }
    if (r.createdAt().isPresent()) {
      json.field(CREATED_AT, r.createdAt().get());
    }
    if (r.redirectUrl().isPresent()) {
      // A direct authorization URL (and the instruction quoting it) carries the flow's state.
      json.secret().field(REDIRECT_URL, r.redirectUrl().get().toString());
    }
    if (r.instruction().isPresent()) {
      json.secret().field(INSTRUCTION, r.instruction().get());
    }
    if (r.wasReinitiated().isPresent()) {
      json.field("was_reinitiated", r.wasReinitiated().get());
    }
    if (r.errorMessage().isPresent()) {
      json.field(ERROR_MESSAGE, r.errorMessage().get());
    }
    json.end();
  }
}

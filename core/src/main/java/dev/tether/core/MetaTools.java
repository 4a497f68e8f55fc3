package dev.tether.core;

import dev.tether.core.store.StoredSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The meta-tools a session can offer, by name, and the envelope every call passes through: the tool
 * exists, the session is alive and offers it, the arguments are present and not oversized. A new
 * meta-tool is one more {@link MetaTool} here. Thread-safe: immutable.
 */
final class MetaTools {
  /** Arguments larger than this are refused before parsing. */
  static final int MAX_ARGUMENTS_LENGTH = 64 * 1024;

  private final Map<String, MetaTool> bySlug = new LinkedHashMap<>();

  MetaTools(List<MetaTool> tools) {
    for (MetaTool tool : tools) {
      bySlug.put(tool.definition().name(), tool);
    }
  }

  /** The tools {@code options} offer, in registry order. */
  List<ToolDefinition> offeredTo(SessionOptions options) {
    List<ToolDefinition> out = new ArrayList<>(bySlug.size());
    for (MetaTool tool : bySlug.values()) {
      if (tool.offeredTo(options)) {
        out.add(tool.definition());
      }
    }
    return List.copyOf(out);
  }

  /** Runs a tool call; never throws for bad input. */
  String execute(Engine engine, String sessionId, String toolSlug, String argumentsJson) {
    if (toolSlug == null) {
      return MetaToolJson.error("The tool slug is missing; " + offered(engine, sessionId) + ".");
    }
    MetaTool tool = bySlug.get(toolSlug.strip());
    if (tool == null) {
      return MetaToolJson.error("Unknown tool '" + MetaToolJson.shorten(toolSlug) + "'; " + offered(engine, sessionId)
          + ".");
    }
    long start = engine.checks().start();
    Instant now = engine.begin();
    StoredSession session = engine.sessions().find(sessionId, now).orElse(null);
    String problem = null;
    if (session == null) {
      problem = "Session " + sessionId + " has expired; create a new session and use its session_id.";
    } else if (!tool.offeredTo(session.options())) {
      problem = tool.notOffered();
    } else if (argumentsJson == null || argumentsJson.isBlank()) {
      problem = "Arguments are missing; pass a JSON object such as {\"toolkits\": [\"gmail\"]}.";
    } else if (argumentsJson.length() > MAX_ARGUMENTS_LENGTH) {
      problem = "Arguments are " + argumentsJson.length() + " characters long; the limit is " + MAX_ARGUMENTS_LENGTH
          + ".";
    }
    if (problem != null) {
      String answer = MetaToolJson.error(problem);
      engine.checks().refused(tool.source(), start);
      return answer;
    }
    return tool.execute(engine, session, argumentsJson, now, start);
  }

  /** What the session offers, as the end of a sentence: never a tool it would refuse. */
  private String offered(Engine engine, String sessionId) {
    Optional<StoredSession> session = engine.sessions().find(sessionId, engine.now());
    if (session.isEmpty()) {
      return "this session has expired: create a new session and use its tools";
    }
    List<String> names = new ArrayList<>();
    for (MetaTool t : bySlug.values()) {
      if (t.offeredTo(session.get().options())) {
        names.add(t.definition().name());
      }
    }
    return names.isEmpty() ? "this session offers no meta-tools (the host turned them off)"
        : "this session offers " + String.join(", ", names);
  }

  /** What every meta-tool answer echoes: pass this session's id on (the id goes in the middle). */
  static final JsonConstants.Sentence SESSION_INSTRUCTIONS = JsonConstants.Sentence.of("Pass session_id \"",
      "\" in every later meta-tool call (COMPOSIO_MANAGE_CONNECTIONS, COMPOSIO_SEARCH_TOOLS) of this conversation.");

  /** What every meta-tool answer echoes: pass this session's id on. */
  static String sessionInstructions(String sessionId) {
    return SESSION_INSTRUCTIONS.with(sessionId);
  }
}

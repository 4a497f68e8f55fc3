package dev.tether.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.ManageConnectionsResult.ToolkitResult;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code COMPOSIO_MANAGE_CONNECTIONS} meta-tool on the wire: parses the arguments JSON,
 * runs {@link Engine#manage}, renders the response JSON. Request-level problems give
 * {@code successful: false} with a one-sentence {@code error} and change nothing. Thread-safe.
 */
final class ManageConnectionsTool {
  static final String SLUG = "COMPOSIO_MANAGE_CONNECTIONS";

  /** Arguments larger than this are refused before parsing. */
  static final int MAX_ARGUMENTS_LENGTH = 64 * 1024;

  /** How deep arguments may nest; an LLM's arguments never come close. */
  static final int MAX_NESTING_DEPTH = 32;

  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
      // A key given twice is refused, not resolved: readers disagree on which one wins.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

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
          + "\"required\":[\"toolkits\"],\"additionalProperties\":true}");

  private ManageConnectionsTool() {}

  static String execute(Engine engine, String sessionId, String argumentsJson) {
    SessionRecord session = engine.session(sessionId).orElse(null);
    if (session == null) {
      return error("Session " + sessionId + " has expired; create a new session and use its session_id.");
    }
    if (!session.options().manageConnections()) {
      return error(SLUG + " is disabled for this session (manageConnections=false); the application "
          + "connects accounts itself.");
    }
    if (argumentsJson == null || argumentsJson.isBlank()) {
      return error("Arguments are missing; pass a JSON object such as {\"toolkits\": [\"gmail\"]}.");
    }
    if (argumentsJson.length() > MAX_ARGUMENTS_LENGTH) {
      return error("Arguments are " + argumentsJson.length() + " characters long; the limit is "
          + MAX_ARGUMENTS_LENGTH + ".");
    }
    Arguments args;
    try {
      args = Arguments.parse(argumentsJson);
    } catch (BadArguments e) {
      return error(e.getMessage());
    } catch (StreamConstraintsException e) {
      return error("Arguments nest deeper than " + MAX_NESTING_DEPTH + " levels; pass a flat object such as "
          + "{\"toolkits\": [\"gmail\"]}.");
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      if (why != null && why.startsWith("Duplicate field")) { // STRICT_DUPLICATE_DETECTION
        return error("Arguments give a key twice" + where(e) + "; pass each key once.");
      }
      return error("Arguments are not valid JSON" + where(e) + "; pass an object such as "
          + "{\"toolkits\": [\"gmail\"]}.");
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does no I/O
    }
    if (args.sessionId != null && !args.sessionId.equals(session.id())) {
      return error("Unknown session_id '" + shorten(args.sessionId) + "'; pass the session_id \""
          + session.id() + "\" of this session.");
    }
    if (args.toolkits == null) {
      return error("toolkits is required: pass an array of 1 to " + Engine.MAX_TOOLKITS_PER_CALL
          + " toolkit slugs, e.g. [\"gmail\"].");
    }
    ManageConnectionsResult result;
    try {
      result = engine.manage(session, args.toolkits, args.reinitiateAll);
    } catch (IllegalArgumentException e) {
      return error(e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".");
    }
    return render(result);
  }

  /** A request-level problem with the arguments, as the one sentence the agent gets back. */
  private static final class BadArguments extends Exception {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message, null, false, false);
    }
  }

  /** The arguments, read with the streaming parser (no tree for a few fields). */
  private static final class Arguments {
    List<String> toolkits;
    boolean reinitiateAll;
    String sessionId;

    static Arguments parse(String json) throws IOException, BadArguments {
      Arguments out = new Arguments();
      try (JsonParser p = JSON.getFactory().createParser(json)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          throw new BadArguments("Arguments must be a JSON object such as {\"toolkits\": [\"gmail\"]}.");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "toolkits":
              out.toolkits = toolkits(p, value);
              break;
            case "reinitiate_all":
              if (value != JsonToken.VALUE_NULL && !value.isBoolean()) {
                throw new BadArguments("reinitiate_all must be true or false.");
              }
              out.reinitiateAll = value == JsonToken.VALUE_TRUE;
              break;
            case "session_id":
              if (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_STRING) {
                throw new BadArguments("session_id must be a string.");
              }
              out.sessionId = value == JsonToken.VALUE_NULL ? null : p.getText();
              break;
            default:
              p.skipChildren(); // LLMs add fields; they are ignored
          }
        }
        if (t != JsonToken.END_OBJECT) {
          throw new BadArguments("Arguments must be a JSON object such as {\"toolkits\": [\"gmail\"]}.");
        }
        if (p.nextToken() != null) {
          throw new BadArguments("Arguments have content after the JSON object; pass exactly one object such "
              + "as {\"toolkits\": [\"gmail\"]}.");
        }
      }
      return out;
    }

    private static List<String> toolkits(JsonParser p, JsonToken value) throws IOException, BadArguments {
      if (value == JsonToken.VALUE_NULL) {
        return null;
      }
      if (value != JsonToken.START_ARRAY) {
        p.skipChildren();
        throw new BadArguments("toolkits must be an array of toolkit slugs, e.g. [\"gmail\"].");
      }
      List<String> out = new ArrayList<>(4);
      JsonToken t;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (t != JsonToken.VALUE_STRING) {
          throw new BadArguments("toolkits[" + out.size() + "] must be a string such as \"gmail\".");
        }
        out.add(p.getText());
      }
      return out;
    }
  }

  static String render(ManageConnectionsResult result) {
    return write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("data");
      g.writeStringField("message", result.message());
      g.writeObjectFieldStart("results");
      for (Map.Entry<String, ToolkitResult> e : result.results().entrySet()) {
        writeResult(g, e.getKey(), e.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("summary");
      g.writeNumberField("total_toolkits", result.summary().totalToolkits());
      g.writeNumberField("active_connections", result.summary().activeConnections());
      g.writeNumberField("initiated_connections", result.summary().initiatedConnections());
      g.writeNumberField("failed_connections", result.summary().failedConnections());
      g.writeEndObject();
      g.writeObjectFieldStart("session");
      g.writeStringField("id", result.sessionId());
      g.writeStringField("instructions", result.sessionInstructions());
      g.writeEndObject();
      g.writeEndObject();
      g.writeNullField("error");
      g.writeBooleanField("successful", true);
      g.writeEndObject();
    });
  }

  private static void writeResult(JsonGenerator g, String key, ToolkitResult r) throws IOException {
    g.writeObjectFieldStart(key);
    g.writeStringField("toolkit", r.toolkit());
    g.writeStringField("status", r.status().wire());
    if (r.hasActiveConnection()) {
      g.writeBooleanField("has_active_connection", true);
    }
    if (r.connectedAccountId().isPresent()) {
      g.writeStringField("connected_account_id", r.connectedAccountId().get());
    }
    if (r.createdAt().isPresent()) {
      g.writeStringField("created_at", Iso8601.format(r.createdAt().get()));
    }
    if (r.redirectUrl().isPresent()) {
      g.writeStringField("redirect_url", r.redirectUrl().get().toString());
    }
    if (r.instruction().isPresent()) {
      g.writeStringField("instruction", r.instruction().get());
    }
    if (r.wasReinitiated().isPresent()) {
      g.writeBooleanField("was_reinitiated", r.wasReinitiated().get());
    }
    if (r.errorMessage().isPresent()) {
      g.writeStringField("error_message", r.errorMessage().get());
    }
    g.writeEndObject();
  }

  static String error(String message) {
    return write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("data");
      g.writeEndObject();
      g.writeStringField("error", message);
      g.writeBooleanField("successful", false);
      g.writeEndObject();
    });
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }

  private static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    Chars out = new Chars();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.text.toString();
  }

  /** A writer into a StringBuilder: {@code StringWriter} appends to a synchronized StringBuffer. */
  private static final class Chars extends Writer {
    final StringBuilder text = new StringBuilder(1024);

    @Override
    public void write(char[] chars, int offset, int length) {
      text.append(chars, offset, length);
    }

    @Override
    public void write(String s, int offset, int length) {
      text.append(s, offset, offset + length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}

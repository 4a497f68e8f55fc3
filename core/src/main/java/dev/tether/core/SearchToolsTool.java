package dev.tether.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tether.core.MetaToolJson.BadArguments;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.ToolkitDescriptor;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code COMPOSIO_SEARCH_TOOLS}: finds the session's toolkits for each use case an agent names,
 * best first, with each one's connection, and hands back the {@code session_id} to pass on to
 * {@code COMPOSIO_MANAGE_CONNECTIONS}. Input compatible with the hosted tool ({@code queries} of
 * {@code {use_case, known_fields?}}, {@code session {id?, generate_id?}}); the ranking is {@link
 * ToolkitSearch}'s. Offered with the manage meta-tool. Thread-safe: stateless.
 */
final class SearchToolsTool implements MetaTool {
  static final String SLUG = "COMPOSIO_SEARCH_TOOLS";
  static final int MAX_QUERIES = 10;
  static final int MAX_USE_CASE_LENGTH = 500;
  /** Toolkits listed per use case. */
  static final int PER_QUERY = 5;
  private static final String EXAMPLE = "{\"queries\": [{\"use_case\": \"send an email\"}]}";

  static final ToolDefinition DEFINITION = new ToolDefinition(SLUG,
      "Find the toolkits (apps) this user can use for a task, best first, and whether each is connected. "
          + "Call it before COMPOSIO_MANAGE_CONNECTIONS to learn which toolkit slugs exist; pass the "
          + "session_id it returns to every later call.",
      "{\"type\":\"object\",\"properties\":{"
          + "\"queries\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":" + MAX_QUERIES + ",\"items\":{"
          + "\"type\":\"object\",\"properties\":{"
          + "\"use_case\":{\"type\":\"string\",\"maxLength\":" + MAX_USE_CASE_LENGTH + ",\"description\":\"What the "
          + "user wants done, in plain words, e.g. \\\"send an email\\\" or \\\"open an issue\\\".\"},"
          + "\"known_fields\":{\"type\":\"string\",\"description\":\"Values already known for the task, e.g. "
          + "\\\"to: alice@example.com\\\". Optional.\"}},"
          + "\"required\":[\"use_case\"]},"
          + "\"description\":\"One entry per task the user asked for.\"},"
          + "\"session\":{\"type\":\"object\",\"properties\":{"
          + "\"id\":{\"type\":\"string\",\"description\":\"The session_id of an earlier meta-tool answer.\"},"
          + "\"generate_id\":{\"type\":\"boolean\",\"description\":\"Ask for a session id (this session's is "
          + "returned).\"}}}},"
          + "\"required\":[\"queries\"],\"additionalProperties\":true}",
      // Reads the session's toolkits and accounts; nothing outside the engine.
      new ToolDefinition.Hints(true, false, true, false));

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
    return ConnectionCheck.Source.SEARCH_TOOLS;
  }

  @Override
  public String execute(Engine engine, StoredSession session, String argumentsJson, Instant now, long start) {
    List<String> useCases = new ArrayList<>();
    String[] sessionId = {null};
    boolean[] sawQueries = {false};
    String problem = MetaToolJson.readObject(argumentsJson, EXAMPLE, (field, value, p) -> {
      switch (field) {
        case "queries":
          sawQueries[0] = true;
          readQueries(p, value, useCases);
          return true;
        case "session":
          sessionId[0] = readSession(p, value);
          return true;
        case "session_id":
          sessionId[0] = MetaToolJson.sessionId(value, p);
          return true;
        default:
          return false;
      }
    });
    if (problem == null) {
      problem = MetaToolJson.checkSessionId(sessionId[0], session.id(), SLUG);
    }
    if (problem == null && (!sawQueries[0] || useCases.isEmpty())) {
      problem = "queries is required: pass 1 to " + MAX_QUERIES + " entries such as {\"use_case\": \"send an email\"}.";
    }
    if (problem != null) {
      String answer = MetaToolJson.error(problem);
      engine.checks().refused(ConnectionCheck.Source.SEARCH_TOOLS, start);
      return answer;
    }
    // Only when a recorder listens: the search is on an agent's hot path.
    Map<String, ToolkitConnections.ConnectionState> checked = engine.checks().enabled() ? new LinkedHashMap<>() : null;
    List<ToolkitDescriptor> offered = new ArrayList<>();
    for (ProviderRegistry.Entry e : engine.registry().entries()) {
      if (session.options().allows(e.descriptor().slug())) {
        offered.add(e.descriptor());
      }
    }
    JsonText json = new JsonText(512 + 600 * useCases.size()).begin().beginObject("data").beginArrayField("results");
    for (String useCase : useCases) {
      List<ToolkitSearch.Match> matches = ToolkitSearch.search(offered, useCase, PER_QUERY);
      json.beginElement().field("use_case", useCase).beginArrayField("toolkits");
      for (ToolkitSearch.Match m : matches) {
        ToolkitDescriptor d = m.toolkit();
        ToolkitConnections.ConnectionState state = engine.connections().state(session, d, now);
        if (checked != null) {
          checked.putIfAbsent(d.slug(), state);
        }
        json.beginElement().field("toolkit", d.slug()).field("name", d.name()).field("description", d.description())
            .field("auth_scheme", d.authScheme().name().toLowerCase(Locale.ROOT))
            .field("connection_status", state.status());
        if (state.accountId().isPresent()) {
          json.field("connected_account_id", state.accountId().get());
        }
        json.end();
      }
      json.endArray();
      if (matches.isEmpty()) {
        json.field("message", "No toolkit of this session matches; do not invent one. Rephrase the use case, or "
            + "tell the user which apps can be connected.");
      }
      json.end();
    }
    json.endArray().beginObject("session").field("id", session.id())
        .field("instructions", MetaTools.sessionInstructions(session.id())
            + " Connect a toolkit that is not active with COMPOSIO_MANAGE_CONNECTIONS.")
        .end().end().nullField("error").field("successful", true);
    String answer = json.end().finish();
    if (checked != null) {
      engine.checks().searched(checked, start);
    }
    return answer;
  }

  private static void readQueries(JsonParser p, JsonToken value, List<String> out) throws IOException, BadArguments {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw new BadArguments("queries must be an array of objects such as {\"use_case\": \"send an email\"}.");
    }
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      int i = out.size();
      if (i == MAX_QUERIES) {
        throw new BadArguments("queries has more than " + MAX_QUERIES + " entries; pass at most " + MAX_QUERIES + ".");
      }
      if (t != JsonToken.START_OBJECT) {
        throw new BadArguments("queries[" + i + "] must be an object such as {\"use_case\": \"send an email\"}.");
      }
      String useCase = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("use_case")) {
          if (v != JsonToken.VALUE_STRING) {
            throw new BadArguments("queries[" + i + "].use_case must be a string.");
          }
          useCase = p.getText();
        } else {
          p.skipChildren(); // known_fields, and whatever else an LLM adds
        }
      }
      if (useCase == null || useCase.isBlank()) {
        throw new BadArguments("queries[" + i + "].use_case is required: say what the user wants done.");
      }
      if (useCase.length() > MAX_USE_CASE_LENGTH) {
        throw new BadArguments("queries[" + i + "].use_case is " + useCase.length() + " characters long; the limit "
            + "is " + MAX_USE_CASE_LENGTH + ".");
      }
      out.add(useCase.strip());
    }
  }

  private static String readSession(JsonParser p, JsonToken value) throws IOException, BadArguments {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw new BadArguments("session must be an object such as {\"id\": \"trs_…\"}.");
    }
    String id = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (name.equals("id")) {
        id = MetaToolJson.sessionId(v, p);
      } else if (name.equals("generate_id")) {
        if (v != JsonToken.VALUE_NULL && !v.isBoolean()) {
          throw new BadArguments("session.generate_id must be true or false.");
        }
      } else {
        p.skipChildren();
      }
    }
    return id;
  }
}

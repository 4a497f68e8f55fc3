package dev.tether.core;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tether.core.MetaToolJson.BadArguments;
import dev.tether.core.ToolkitConnections.ConnectionState;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code COMPOSIO_WAIT_FOR_CONNECTIONS}: an agent that showed the user links waits until all (or
 * any) of the toolkits are connected, or the time is up, and gets each toolkit's status with the
 * counts. Event-driven: the call sleeps on the change feed (any change of the user's accounts,
 * from any engine sharing the store, wakes it to look again), holding no lock. It returns at once
 * when the condition can no longer come true without the agent (a toolkit with no pending link).
 * Off by default; a session enables it. Thread-safe: stateless.
 */
final class WaitForConnectionsTool implements MetaTool {
  static final String SLUG = "COMPOSIO_WAIT_FOR_CONNECTIONS";
  static final int DEFAULT_TIMEOUT_SECONDS = 60;
  static final int MAX_TIMEOUT_SECONDS = 300;
  private static final String EXAMPLE = "{\"toolkits\": [\"gmail\"], \"mode\": \"all\", \"timeout_seconds\": 60}";

  static final ToolDefinition DEFINITION = new ToolDefinition(SLUG,
      "Wait until the user has connected the given toolkits, after you showed them the links from "
          + "COMPOSIO_MANAGE_CONNECTIONS. Returns when all (or, with mode any, any) of them are connected, or "
          + "when timeout_seconds pass, with each toolkit's status.",
      "{\"type\":\"object\",\"properties\":{"
          + "\"toolkits\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"maxItems\":"
          + ToolkitConnections.MAX_TOOLKITS_PER_CALL + ",\"description\":\"Toolkits to wait for, e.g. "
          + "[\\\"gmail\\\"].\"},"
          + "\"mode\":{\"type\":\"string\",\"enum\":[\"all\",\"any\"],\"default\":\"all\",\"description\":\"all: "
          + "wait until every toolkit is connected; any: until one is.\"},"
          + "\"timeout_seconds\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":" + MAX_TIMEOUT_SECONDS
          + ",\"default\":" + DEFAULT_TIMEOUT_SECONDS + ",\"description\":\"How long to wait at most.\"},"
          + "\"session_id\":{\"type\":\"string\",\"description\":\"ALWAYS pass the session_id returned by the "
          + "previous call.\"}},"
          + "\"required\":[\"toolkits\"],\"additionalProperties\":true}",
      // Only watches the user's accounts change.
      new ToolDefinition.Hints(true, false, true, false));

  @Override
  public ToolDefinition definition() {
    return DEFINITION;
  }

  @Override
  public boolean offeredTo(SessionOptions options) {
    return options.waitForConnections();
  }

  @Override
  public String notOffered() {
    return SLUG + " is not enabled for this session; the application enables it with "
        + "SessionOptions.builder().waitForConnections(true).";
  }

  /** The arguments as read. */
  private static final class Arguments {
    List<String> toolkits;
    boolean any;
    int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
    String sessionId;
  }

  @Override
  public ConnectionCheck.Source source() {
    return ConnectionCheck.Source.WAIT_FOR_CONNECTIONS;
  }

  @Override
  public String execute(Engine engine, StoredSession session, String argumentsJson, Instant now, long start) {
    Arguments args = new Arguments();
    String problem = MetaToolJson.readObject(argumentsJson, EXAMPLE, (field, value, p) -> {
      switch (field) {
        case "toolkits":
          args.toolkits = MetaToolJson.toolkits(value, p);
          return true;
        case "mode":
          args.any = mode(p, value);
          return true;
        case "timeout_seconds":
          args.timeoutSeconds = timeout(p, value);
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
    List<String> slugs = null;
    if (problem == null) {
      try {
        slugs = ToolkitConnections.normalizeToolkits(args.toolkits);
      } catch (IllegalArgumentException e) {
        problem = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
      }
    }
    if (problem != null) {
      String answer = MetaToolJson.error(problem);
      engine.checks().refused(ConnectionCheck.Source.WAIT_FOR_CONNECTIONS, start);
      return answer;
    }
    return await(engine, session, slugs, args.any, args.timeoutSeconds, start);
  }

  private String await(Engine engine, StoredSession session, List<String> slugs, boolean any, int timeoutSeconds,
      long start) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      // Register before looking, so a change between the look and the wait is not missed.
      CompletableFuture<ConnectionEvent> change = engine.waiters().nextChangeOfUser(session.userId());
      Map<String, Optional<ConnectionState>> states = states(engine, session, slugs, engine.now());
      long connected = states.values().stream().filter(s -> s.map(ConnectionState::connected).orElse(false)).count();
      long reachable = states.values().stream()
          .filter(s -> s.map(st -> st.connected() || st.pending()).orElse(false)).count();
      boolean met = any ? connected > 0 : connected == slugs.size();
      boolean hopeless = any ? reachable == 0 : reachable < slugs.size();
      long remaining = deadline - System.nanoTime();
      if (met || hopeless || remaining <= 0) {
        String answer = render(session, states, met, !met && !hopeless, any);
        engine.checks().waited(states, start);
        return answer;
      }
      try {
        change.get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // look once more, then answer
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return MetaToolJson.error("The wait was interrupted; call " + SLUG + " again.");
      }
    }
  }

  /** Each toolkit's state; empty for a toolkit that does not exist or is not enabled here. */
  private static Map<String, Optional<ConnectionState>> states(Engine engine, StoredSession session,
      List<String> slugs, Instant now) {
    Map<String, Optional<ConnectionState>> out = new LinkedHashMap<>();
    for (String slug : slugs) {
      Optional<ToolkitDescriptor> d = engine.registry().find(slug).map(ProviderRegistry.Entry::descriptor)
          .filter(x -> session.options().allows(x.slug()));
      out.put(slug, d.map(x -> engine.connections().state(session, x, now)));
    }
    return out;
  }

  private static String render(StoredSession session, Map<String, Optional<ConnectionState>> states, boolean met,
      boolean timedOut, boolean any) {
    int active = 0;
    int initiated = 0;
    int other = 0;
    JsonText json = new JsonText(256 + 160 * states.size()).begin().beginObject("data").beginObject("results");
    for (Map.Entry<String, Optional<ConnectionState>> e : states.entrySet()) {
      json.beginObject(e.getKey()).field("toolkit", e.getKey());
      if (e.getValue().isEmpty()) {
        json.field("status", "failed").field("error_message", e.getKey().isEmpty()
            ? "A toolkit slug is blank; pass one such as 'gmail'."
            : "Toolkit '" + Slugs.abbreviate(e.getKey()) + "' is not available in this session; never invent one.");
        other++;
      } else {
        ConnectionState s = e.getValue().get();
        json.field("status", s.status());
        if (s.accountId().isPresent()) {
          json.field("connected_account_id", s.accountId().get());
        }
        if (s.connected()) {
          active++;
        } else if (s.pending()) {
          initiated++;
        } else {
          other++;
        }
      }
      json.end();
    }
    String message = met ? (any ? "A connection is active" : "All connections are active")
        : timedOut ? "Timed out: " + active + " active, " + initiated + " still pending, " + other + " not connected"
        : "Stopped waiting: " + other + " toolkit(s) have no pending link; call COMPOSIO_MANAGE_CONNECTIONS for them";
    json.end().beginObject("summary").field("total_toolkits", states.size()).field("active_connections", active)
        .field("initiated_connections", initiated).field("failed_connections", other).end()
        .field("condition_met", met).field("timed_out", timedOut).field("message", message)
        .beginObject("session").field("id", session.id()).field("instructions", MetaTools.sessionInstructions(
            session.id())).end().end().nullField("error").field("successful", true);
    return json.end().finish();
  }

  private static boolean mode(JsonParser p, JsonToken value) throws IOException, BadArguments {
    if (value == JsonToken.VALUE_NULL) {
      return false;
    }
    if (value != JsonToken.VALUE_STRING || !(p.getText().equals("all") || p.getText().equals("any"))) {
      p.skipChildren();
      throw new BadArguments("mode must be \"all\" or \"any\".");
    }
    return p.getText().equals("any");
  }

  private static int timeout(JsonParser p, JsonToken value) throws IOException, BadArguments {
    if (value == JsonToken.VALUE_NULL) {
      return DEFAULT_TIMEOUT_SECONDS;
    }
    if (value != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0 || p.getLongValue() > MAX_TIMEOUT_SECONDS) {
      p.skipChildren();
      throw new BadArguments("timeout_seconds must be a whole number from 0 to " + MAX_TIMEOUT_SECONDS + ".");
    }
    return p.getIntValue();
  }
}

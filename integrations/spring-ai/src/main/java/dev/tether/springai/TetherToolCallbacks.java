package dev.tether.springai;

import dev.tether.core.Session;
import dev.tether.core.SessionExpiredException;
import dev.tether.core.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;

/**
 * Spring AI {@link ToolCallback}s for a Tether session's meta-tools: those {@link Session#tools()}
 * lists ({@code COMPOSIO_MANAGE_CONNECTIONS}, {@code COMPOSIO_SEARCH_TOOLS}, and
 * {@code COMPOSIO_WAIT_FOR_CONNECTIONS} when the session enables it).
 *
 * <p>Each callback's {@code ToolDefinition} carries the tool's name, description and JSON Schema
 * unchanged (Spring AI takes the schema as JSON text), and {@code call(toolInput)} returns
 * {@link Session#execute}'s JSON for the model. Calls never throw for bad input: malformed or
 * mistyped arguments answer {@code {"successful": false, "error": "…"}}, which the model reads and
 * can act on; a tool name the model invents never reaches a callback (Spring AI's tool-calling
 * manager looks callbacks up by name). Any {@code ToolContext} is ignored: the session is bound
 * when the callbacks are made.
 *
 * <pre>{@code
 * Session session = tether.createSession(userId);
 * String reply = chatClient.prompt()
 *     .user("Summarise my unread mail")
 *     .toolCallbacks(TetherToolCallbacks.of(session))
 *     .call()
 *     .content();
 * }</pre>
 *
 * <p>Thread-safe: the callbacks are immutable and may be shared and called concurrently; make them
 * per session, i.e. per end user.
 */
public final class TetherToolCallbacks {
  private TetherToolCallbacks() {}

  /**
   * One callback per tool the session offers.
   *
   * @param session the end user's session; not null
   * @return an immutable list, in {@link Session#tools()}'s order; empty when the session offers no
   *     tool ({@code manageConnections(false)} without {@code waitForConnections(true)})
   * @throws SessionExpiredException if the session has expired; create a new one for the user
   */
  public static List<ToolCallback> of(Session session) {
    Objects.requireNonNull(session, "session");
    List<ToolDefinition> tools = session.tools();
    List<ToolCallback> callbacks = new ArrayList<>(tools.size());
    for (ToolDefinition tool : tools) {
      callbacks.add(new SessionToolCallback(session, tool));
    }
    return List.copyOf(callbacks);
  }

  /**
   * The callbacks of {@link #of(Session)} as a provider, for APIs that take one (e.g.
   * {@code ChatClient.Builder.defaultToolCallbacks(ToolCallbackProvider...)}). A session's tools
   * never change, so the provider holds them; once the session expires each call answers
   * {@code successful: false} and names the fix.
   *
   * @param session the end user's session; not null
   * @return a provider of the session's callbacks
   * @throws SessionExpiredException if the session has expired
   */
  public static ToolCallbackProvider provider(Session session) {
    return ToolCallbackProvider.from(of(session));
  }
}

package dev.tether.springai;

import dev.tether.core.Session;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * One meta-tool of one session: the definition as the engine states it, each call through
 * {@link Session#execute}. Thread-safe: immutable, and the session is.
 */
final class SessionToolCallback implements ToolCallback {
  private final Session session;
  private final ToolDefinition definition;

  SessionToolCallback(Session session, dev.tether.core.ToolDefinition tool) {
    this.session = session;
    this.definition = ToolDefinition.builder()
        .name(tool.name())
        .description(tool.description())
        .inputSchema(tool.inputSchema())
        .build();
  }

  @Override
  public ToolDefinition getToolDefinition() {
    return definition;
  }

  @Override
  public String call(String toolInput) {
    return session.execute(definition.name(), toolInput);
  }

  /** The session is bound already; overridden so Spring AI does not log that the context goes unused. */
  @Override
  public String call(String toolInput, ToolContext toolContext) {
    return call(toolInput);
  }

  @Override
  public String toString() {
    return "SessionToolCallback[" + definition.name() + ", " + session.id() + "]";
  }
}

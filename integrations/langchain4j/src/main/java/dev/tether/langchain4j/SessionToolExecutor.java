package dev.tether.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.tether.core.Session;
import java.util.Objects;

/**
 * Runs the model's tool calls on one session. The request's own tool name goes to the engine, so a
 * name the session does not offer gets the engine's {@code successful: false} answer, as does any
 * bad argument. Thread-safe: the session is.
 */
final class SessionToolExecutor implements ToolExecutor {
  private final Session session;

  SessionToolExecutor(Session session) {
    this.session = session;
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    Objects.requireNonNull(request, "request");
    return session.execute(request.name(), request.arguments());
  }

  @Override
  public String toString() {
    return "SessionToolExecutor[" + session.id() + "]";
  }
}

package dev.tether.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.tether.core.Session;
import dev.tether.core.SessionExpiredException;
import dev.tether.core.Tether;
import dev.tether.core.ToolDefinition;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A LangChain4j {@link ToolProvider} that offers an AI service the meta-tools of the Tether session
 * behind each conversation: those {@link Session#tools()} lists ({@code COMPOSIO_MANAGE_CONNECTIONS},
 * {@code COMPOSIO_SEARCH_TOOLS}, and {@code COMPOSIO_WAIT_FOR_CONNECTIONS} when the session enables it).
 *
 * <p>For each AI-service call it maps the chat memory id ({@code @MemoryId}, or {@code "default"}
 * when the service has none) to a {@link Session} with the function given to
 * {@link Builder#sessionFor}, then offers that session's {@link Session#tools() tools}: a
 * {@code ToolSpecification} per tool, its parameters translated from the tool's JSON Schema, and a
 * {@code ToolExecutor} that hands the model's arguments to {@link Session#execute} and returns its
 * JSON to the model. A memory id without a live session (the function answers empty, or the session
 * has expired) gets no tools, so one AI service can serve users with and without a session; a
 * session with {@code manageConnections(false)} offers only the wait tool, if it enables that, else
 * none.
 *
 * <pre>{@code
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .chatMemoryProvider(memoryId -> MessageWindowChatMemory.withMaxMessages(20))
 *     .toolProvider(TetherToolProvider.builder(tether)
 *         .sessionFor(memoryId -> sessions.forConversation(memoryId)) // your map: conversation → session
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>Tool calls never throw for bad input: malformed or mistyped arguments and unknown tool names
 * answer {@code {"successful": false, "error": "…"}}, which the model reads and can act on.
 *
 * <p>Thread-safe: immutable. It is safe for concurrent use if the {@code sessionFor} function is.
 */
public final class TetherToolProvider implements ToolProvider {
  private final Function<Object, Optional<Session>> sessionFor;

  private TetherToolProvider(Function<Object, Optional<Session>> sessionFor) {
    this.sessionFor = sessionFor;
  }

  /**
   * Starts a provider for sessions of {@code tether}.
   *
   * @param tether the engine whose sessions the memory ids name; not null
   * @return a new builder; without {@link Builder#sessionFor} each memory id is read as a session id
   */
  public static Builder builder(Tether tether) {
    return new Builder(Objects.requireNonNull(tether, "tether"));
  }

  /**
   * The tools of the session behind the request's chat memory id.
   *
   * @param request the AI service's request; its {@link ToolProviderRequest#chatMemoryId()} picks
   *     the session
   * @return the session's tools, each with an executor bound to that session; no tools when the
   *     memory id is null, has no session, or its session has expired
   * @throws NullPointerException if the {@code sessionFor} function returns null instead of an
   *     {@code Optional}
   */
  @Override
  public ToolProviderResult provideTools(ToolProviderRequest request) {
    Object memoryId = Objects.requireNonNull(request, "request").chatMemoryId();
    if (memoryId == null) {
      return ToolProviderResult.builder().build();
    }
    Optional<Session> session = Objects.requireNonNull(sessionFor.apply(memoryId),
        () -> "sessionFor returned null for memory id " + memoryId + "; return Optional.empty() instead");
    if (session.isEmpty()) {
      return ToolProviderResult.builder().build();
    }
    List<ToolDefinition> tools;
    try {
      tools = session.get().tools();
    } catch (SessionExpiredException e) {
      // Expired between the lookup and now: the same as no session, as Tether.session(id) says.
      return ToolProviderResult.builder().build();
    }
    ToolProviderResult.Builder result = ToolProviderResult.builder();
    ToolExecutor executor = new SessionToolExecutor(session.get());
    for (ToolDefinition tool : tools) {
      result.add(ToolSpecification.builder()
          .name(tool.name())
          .description(tool.description())
          .parameters(JsonSchemaElements.parametersOf(tool.name(), tool.inputSchema()))
          .build(), executor);
    }
    return result.build();
  }

  @Override
  public String toString() {
    return "TetherToolProvider[sessionFor=" + sessionFor + "]";
  }

  /**
   * Configures a {@link TetherToolProvider}; each setting may be set once.
   *
   * <p>Not thread-safe: configure it on one thread, then share what {@link #build()} returns.
   */
  public static final class Builder {
    private final Tether tether;
    private Function<Object, Optional<Session>> sessionFor;

    private Builder(Tether tether) {
      this.tether = tether;
    }

    /**
     * Sets how a chat memory id finds its Tether session. The host owns this map, typically from its
     * conversation or user to the session it created with {@code tether.createSession(userId)}.
     * Without it, the memory id's {@code toString()} is read as a session id
     * ({@code tether.session(id)}), so an AI service whose {@code @MemoryId} is the session id needs
     * no map.
     *
     * @param sessionFor answers the session for a memory id, or empty for a conversation with none
     *     (it then gets no tools); called once per AI-service call, possibly from many threads;
     *     not null, and never returns null. An exception it throws fails that AI-service call.
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder sessionFor(Function<Object, Optional<Session>> sessionFor) {
      Objects.requireNonNull(sessionFor, "sessionFor");
      if (this.sessionFor != null) {
        throw new IllegalStateException("sessionFor was already set to " + this.sessionFor);
      }
      this.sessionFor = sessionFor;
      return this;
    }

    /**
     * Builds the provider.
     *
     * @return a provider to pass to {@code AiServices.builder(…).toolProvider(…)}
     */
    public TetherToolProvider build() {
      if (sessionFor != null) {
        return new TetherToolProvider(sessionFor);
      }
      Tether engine = tether;
      return new TetherToolProvider(new Function<>() {
        @Override
        public Optional<Session> apply(Object memoryId) {
          return engine.session(memoryId.toString());
        }

        @Override
        public String toString() {
          return "memory id as session id";
        }
      });
    }
  }
}

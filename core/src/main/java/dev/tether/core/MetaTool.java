package dev.tether.core;

import dev.tether.core.store.StoredSession;
import java.time.Instant;

/**
 * One meta-tool an agent calls: its definition (name, description, JSON schema) and how it runs.
 * The registry ({@link MetaTools}) checks the envelope (the session is alive, the tool is offered,
 * the arguments are present and not too large) before {@link #execute}. Implementations are
 * thread-safe and never throw for bad input.
 */
interface MetaTool {
  /** What an LLM framework registers. */
  ToolDefinition definition();

  /** Whether a session with these options offers the tool. */
  boolean offeredTo(SessionOptions options);

  /** Why a session does not offer it, as the one sentence an agent reads. */
  String notOffered();

  /**
   * Runs the tool for a live session that offers it.
   *
   * @param argumentsJson the arguments, present and within the size limit
   * @return the JSON answer
   */
  String execute(Engine engine, StoredSession session, String argumentsJson, Instant now);
}

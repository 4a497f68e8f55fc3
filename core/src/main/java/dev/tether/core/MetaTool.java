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

  /** The check it is, as a {@link ConnectionCheckRecorder} sees it. */
  ConnectionCheck.Source source();

  /**
   * Runs the tool for a live session that offers it, and reports the check to {@link
   * Engine#checks()}: refused, or what it found.
   *
   * @param argumentsJson the arguments, present and within the size limit
   * @param start the call's start by {@link ConnectionChecks#start()}
   * @return the JSON answer
   */
  String execute(Engine engine, StoredSession session, String argumentsJson, Instant now, long start);
}

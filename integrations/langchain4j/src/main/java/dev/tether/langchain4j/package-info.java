/**
 * Tether for LangChain4j: give an AI service the meta-tools of the end user's Tether session.
 *
 * <ul>
 *   <li>{@link dev.tether.langchain4j.TetherToolProvider} — the {@code ToolProvider} to register with
 *       {@code AiServices.builder(…).toolProvider(…)}; maps each chat memory id to a session and offers
 *       that session's tools, each run by {@code Session.execute}.
 * </ul>
 *
 * <p>The adapter translates and decides nothing: which tools a session offers and every answer the
 * model reads come from the engine.
 */
package dev.tether.langchain4j;

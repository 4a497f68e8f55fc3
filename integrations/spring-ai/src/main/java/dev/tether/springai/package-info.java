/**
 * Tether for Spring AI: a session's meta-tools as Spring AI tool callbacks.
 *
 * <ul>
 *   <li>{@link dev.tether.springai.TetherToolCallbacks} — {@code of(session)} gives one
 *       {@code ToolCallback} per tool the session offers, {@code provider(session)} the same as a
 *       {@code ToolCallbackProvider}; each runs {@code Session.execute}.
 * </ul>
 *
 * <p>The adapter translates and decides nothing: which tools a session offers and every answer the
 * model reads come from the engine.
 */
package dev.tether.springai;

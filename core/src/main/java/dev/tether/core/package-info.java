/**
 * The Tether engine.
 *
 * <ul>
 *   <li>{@link dev.tether.core.Tether} — the entry point and its builder; owns providers,
 *       sessions, accounts, callbacks and listeners;
 *   <li>{@link dev.tether.core.Session}, {@link dev.tether.core.SessionOptions} — one end user's
 *       context, {@code authorize}, {@code toolkits()} and the meta-tool;
 *   <li>{@link dev.tether.core.ConnectionRequest} — a started connection and
 *       {@code waitForConnection};
 *   <li>{@link dev.tether.core.ConnectedAccount}, {@link dev.tether.core.ConnectionStatus} — the
 *       account lifecycle;
 *   <li>{@link dev.tether.core.ManageConnectionsResult}, {@link dev.tether.core.ToolDefinition} —
 *       {@code COMPOSIO_MANAGE_CONNECTIONS}, typed and as an LLM tool;
 *   <li>{@link dev.tether.core.CallbackResult}, {@link dev.tether.core.ConnectLink} — what the
 *       host's two endpoints do;
 *   <li>{@link dev.tether.core.ConnectionEvent}, {@link dev.tether.core.ConnectionListener} —
 *       events;
 *   <li>{@link dev.tether.core.ConnectionCheckRecorder}, {@link dev.tether.core.ConnectionCheck} —
 *       each connection check (typed or by meta-tool) with its toolkits and duration, for metrics;
 *   <li>{@link dev.tether.core.ProviderReport} — what provider discovery found;
 *   <li>{@link dev.tether.core.TetherException} and subclasses — failures with messages that
 *       name the fix.
 * </ul>
 *
 * <p>All public types are immutable values or thread-safe services.
 */
package dev.tether.core;

/**
 * Tether over MCP.
 *
 * <ul>
 *   <li>{@link dev.tether.mcp.TetherMcpServlet} — the servlet a host maps under its MCP base path
 *       (e.g. {@code /mcp/*}); it serves each session at {@code {base}/{sessionId}} to the client
 *       holding that session's bearer, as {@code Session.mcp()} describes it;
 *   <li>{@link dev.tether.mcp.TetherMcpServlet.Builder} — its options: allowed origins and hosts, the
 *       request size limit.
 * </ul>
 */
package dev.tether.mcp;

/**
 * Serves Tether sessions' meta-tools to MCP clients over Streamable HTTP. Start at
 * {@link dev.tether.mcp.TetherMcpServlet}.
 */
module dev.tether.mcp {
  requires transitive dev.tether.core;
  requires transitive jakarta.servlet;
  requires io.modelcontextprotocol.sdk.mcp.core;
  requires io.modelcontextprotocol.sdk.mcp.json.jackson2;
  requires com.fasterxml.jackson.databind;

  exports dev.tether.mcp;
}

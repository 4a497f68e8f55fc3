// The official MCP TypeScript SDK's client against a Tether MCP endpoint, as any Streamable HTTP
// client would use it: the URL and the one header it is given, nothing Tether-specific.
//
// In:  MCP_URL, MCP_AUTHORIZATION (the Authorization header's value), MCP_CALLS (a JSON array of
//      {"name": ..., "arguments": {...}} to call in order, after listing the tools).
// Out: one JSON line on stdout: {"server", "tools", "calls": [{"isError", "text"}]}, or
//      {"error", "status"} when the client fails (exit code 0 either way; 2 for a broken setup).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const url = process.env.MCP_URL;
const authorization = process.env.MCP_AUTHORIZATION;
if (!url) {
  console.error("MCP_URL is not set");
  process.exit(2);
}
const calls = JSON.parse(process.env.MCP_CALLS ?? "[]");
const headers = authorization ? { Authorization: authorization } : {};

const client = new Client({ name: "tether-mcp-typescript-test", version: "1.0.0" });
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const budget = { timeout: 30_000 };

try {
  await client.connect(transport, budget);
  const listed = await client.listTools(undefined, budget);
  const results = [];
  for (const call of calls) {
    const result = await client.callTool({ name: call.name, arguments: call.arguments }, undefined, budget);
    results.push({ isError: result.isError === true, text: result.content[0].text });
  }
  console.log(JSON.stringify({ server: client.getServerVersion(), tools: listed.tools, calls: results }));
} catch (e) {
  console.log(JSON.stringify({ error: String(e?.message ?? e), status: e?.code ?? null }));
} finally {
  await client.close().catch(() => {});
}

package dev.tether.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.McpEndpoint;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The MCP Java SDK's client, pointed at an endpoint the way a user configures one, and its answers read. */
final class McpClients {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Every request to the loopback server gets at least this long. */
  static final Duration BUDGET = Duration.ofSeconds(30);

  private McpClients() {}

  /** A client of {@code url} that sends {@code headers} with every request; not yet initialized. */
  static McpSyncClient client(URI url, Map<String, String> headers) {
    JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(JSON);
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
        .builder(url.getScheme() + "://" + url.getRawAuthority())
        .endpoint(url.getRawPath())
        .jsonMapper(mapper)
        .connectTimeout(BUDGET)
        .httpRequestCustomizer((request, method, uri, body, context) -> headers.forEach(request::header))
        .build();
    return McpClient.sync(transport)
        .clientInfo(new McpSchema.Implementation("tether-mcp-test", "1"))
        .requestTimeout(BUDGET)
        .initializationTimeout(BUDGET)
        .build();
  }

  /** A client of a session's endpoint, with its header. */
  static McpSyncClient client(McpEndpoint endpoint) {
    return client(endpoint.url(), endpoint.headers());
  }

  /** Calls a tool with JSON arguments. */
  static McpSchema.CallToolResult call(McpSyncClient client, String tool, String argumentsJson) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> arguments = JSON.readValue(argumentsJson, Map.class);
      return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JSON the engine answered: the result's only content, as text. */
  static JsonNode answer(McpSchema.CallToolResult result) {
    try {
      return JSON.readTree(((McpSchema.TextContent) result.content().get(0)).text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

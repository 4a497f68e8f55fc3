package dev.tether.mcp;

import static dev.tether.mcp.McpClients.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.McpEndpoint;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.ToolDefinition;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client nobody on this project wrote: the official MCP TypeScript SDK (pinned in
 * {@code src/test/node/package-lock.json}), run with node against the servlet with only the URL
 * and header {@code Session.mcp()} gives.
 */
class TypeScriptSdkClientTest {
  private static NodeClient node;
  private static McpTestServer server;

  @BeforeAll
  static void start() {
    node = NodeClient.install();
    server = new McpTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static JsonNode run(McpEndpoint endpoint, String authorization, String callsJson) {
    Map<String, String> env = new HashMap<>();
    env.put("MCP_URL", endpoint.url().toString());
    env.put("MCP_AUTHORIZATION", authorization);
    env.put("MCP_CALLS", callsJson);
    return node.run(env);
  }

  private static JsonNode answerOf(JsonNode call) throws Exception {
    return JSON.readTree(call.get("text").asText());
  }

  @Test
  void typescriptClient_listsTheTools_searches_andCompletesAConnect() throws Exception {
    Session session = server.tether.createSession("erin", SessionOptions.builder().waitForConnections(true).build());
    McpEndpoint endpoint = session.mcp();
    String authorization = endpoint.headers().get("Authorization");

    JsonNode first = run(endpoint, authorization, "["
        + "{\"name\": \"COMPOSIO_SEARCH_TOOLS\", \"arguments\": {\"queries\": [{\"use_case\": \"gmail\"}]}},"
        + "{\"name\": \"COMPOSIO_MANAGE_CONNECTIONS\", \"arguments\": {\"toolkits\": [\"gmail\"]}},"
        + "{\"name\": \"COMPOSIO_MANAGE_CONNECTIONS\", \"arguments\": {\"toolkits\": []}}]");
    assertThat(first.has("error")).as(first.toString()).isFalse();
    assertThat(first.at("/server/name").asText()).isEqualTo("tether");

    Map<String, JsonNode> tools = new HashMap<>();
    first.get("tools").forEach(t -> tools.put(t.get("name").asText(), t));
    assertThat(tools).containsOnlyKeys("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS",
        "COMPOSIO_WAIT_FOR_CONNECTIONS");
    for (ToolDefinition definition : session.tools()) {
      assertThat(tools.get(definition.name()).get("inputSchema")).isEqualTo(JSON.readTree(definition.inputSchema()));
    }
    assertThat(tools.get("COMPOSIO_SEARCH_TOOLS").at("/annotations/readOnlyHint").asBoolean()).isTrue();
    assertThat(tools.get("COMPOSIO_MANAGE_CONNECTIONS").at("/annotations/readOnlyHint").asBoolean()).isFalse();
    assertThat(tools.get("COMPOSIO_WAIT_FOR_CONNECTIONS").at("/annotations/idempotentHint").asBoolean()).isTrue();

    JsonNode search = first.at("/calls/0");
    assertThat(search.get("isError").asBoolean()).isFalse();
    assertThat(answerOf(search).at("/data/results/0/toolkits").findValuesAsText("toolkit")).contains("gmail");
    JsonNode started = answerOf(first.at("/calls/1"));
    assertThat(started.at("/data/results/gmail/status").asText()).isEqualTo("initiated");
    JsonNode refused = first.at("/calls/2");
    assertThat(refused.get("isError").asBoolean()).isTrue();
    assertThat(answerOf(refused).get("successful").asBoolean()).isFalse();

    URI link = URI.create(started.at("/data/results/gmail/redirect_url").asText());
    assertThat(server.tether.handleCallback(FakeToolkitProvider.approve(server.tether, link, "code-erin"))
        .successful()).isTrue();

    JsonNode second = run(endpoint, authorization,
        "[{\"name\": \"COMPOSIO_MANAGE_CONNECTIONS\", \"arguments\": {\"toolkits\": [\"gmail\"]}}]");
    JsonNode active = answerOf(second.at("/calls/0"));
    assertThat(active.at("/data/results/gmail/status").asText()).isEqualTo("active");
    assertThat(active.at("/data/message").asText()).isEqualTo("All connections are active");
  }

  @Test
  void typescriptClient_withAWrongBearer_getsNoTools() {
    McpEndpoint endpoint = server.tether.createSession("frank").mcp();
    JsonNode refused = run(endpoint, "Bearer not-the-secret", "[]");
    assertThat(refused.has("tools")).isFalse();
    assertThat(refused.get("status").asInt()).isEqualTo(401);
    assertThat(refused.get("error").asText()).contains("Unauthorized").doesNotContain("COMPOSIO");
  }
}

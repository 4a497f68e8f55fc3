package dev.tether.mcp;

import static dev.tether.mcp.McpClients.JSON;
import static dev.tether.mcp.McpClients.answer;
import static dev.tether.mcp.McpClients.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.McpEndpoint;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.ToolDefinition;
import dev.tether.testkit.FakeToolkitProvider;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MCP Java SDK's own client, configured with nothing but what {@code Session.mcp()} hands out. */
class JavaSdkClientTest {
  private static McpTestServer server;

  @BeforeAll
  static void start() {
    server = new McpTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void client_listsTheSessionsMetaTools_withTheirSchemasAndAnnotations() throws Exception {
    Session session = server.tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    try (McpSyncClient client = McpClients.client(session.mcp())) {
      McpSchema.InitializeResult init = client.initialize();
      assertThat(init.serverInfo().name()).isEqualTo("tether");
      assertThat(init.capabilities().tools()).isNotNull();

      Map<String, McpSchema.Tool> listed = new LinkedHashMap<>();
      client.listTools().tools().forEach(t -> listed.put(t.name(), t));
      assertThat(listed).containsOnlyKeys("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS",
          "COMPOSIO_WAIT_FOR_CONNECTIONS");
      for (ToolDefinition definition : session.tools()) {
        McpSchema.Tool tool = listed.get(definition.name());
        assertThat(tool.description()).isEqualTo(definition.description());
        assertThat((JsonNode) JSON.valueToTree(tool.inputSchema())).isEqualTo(JSON.readTree(definition.inputSchema()));
      }
      McpSchema.ToolAnnotations search = listed.get("COMPOSIO_SEARCH_TOOLS").annotations();
      assertThat(search.readOnlyHint()).isTrue();
      assertThat(search.openWorldHint()).isFalse();
      McpSchema.ToolAnnotations manage = listed.get("COMPOSIO_MANAGE_CONNECTIONS").annotations();
      assertThat(manage.readOnlyHint()).isFalse();
      assertThat(manage.destructiveHint()).isTrue();
      assertThat(manage.idempotentHint()).isFalse();
      McpSchema.ToolAnnotations wait = listed.get("COMPOSIO_WAIT_FOR_CONNECTIONS").annotations();
      assertThat(wait.readOnlyHint()).isTrue();
      assertThat(wait.idempotentHint()).isTrue();
    }
  }

  @Test
  void client_searchesConnectsAndSeesTheToolkitActive_onItsNextCall() {
    Session session = server.tether.createSession("bob");
    McpEndpoint endpoint = session.mcp();
    try (McpSyncClient client = McpClients.client(endpoint)) {
      client.initialize();

      McpSchema.CallToolResult search = call(client, "COMPOSIO_SEARCH_TOOLS",
          "{\"queries\": [{\"use_case\": \"gmail\"}]}");
      assertThat(search.isError()).isFalse();
      JsonNode found = answer(search);
      assertThat(found.get("successful").asBoolean()).isTrue();
      assertThat(found.at("/data/results/0/toolkits").findValuesAsText("toolkit")).contains("gmail");

      JsonNode started = answer(call(client, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}"));
      assertThat(started.at("/data/results/gmail/status").asText()).isEqualTo("initiated");
      URI link = URI.create(started.at("/data/results/gmail/redirect_url").asText());

      // The user follows the link and approves; the provider sends the browser to the host's callback.
      assertThat(server.tether.handleCallback(FakeToolkitProvider.approve(server.tether, link, "code-bob"))
          .successful()).isTrue();

      McpSchema.CallToolResult again = call(client, "COMPOSIO_MANAGE_CONNECTIONS",
          "{\"toolkits\": [\"gmail\"], \"session_id\": \"" + session.id() + "\"}");
      assertThat(again.isError()).isFalse();
      JsonNode active = answer(again);
      assertThat(active.at("/data/results/gmail/status").asText()).isEqualTo("active");
      assertThat(active.at("/data/message").asText()).isEqualTo("All connections are active");
    }
  }

  @Test
  void client_getsIsError_whenTheEngineRefusesTheRequest_andTheEnginesReasonAsText() {
    Session session = server.tether.createSession("carol");
    try (McpSyncClient client = McpClients.client(session.mcp())) {
      client.initialize();
      McpSchema.CallToolResult refused = call(client, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": []}");
      assertThat(refused.isError()).isTrue();
      JsonNode body = answer(refused);
      assertThat(body.get("successful").asBoolean()).isFalse();
      assertThat(body.get("error").asText()).isNotBlank();

      // Extra properties are the engine's to judge (it ignores them), not the SDK's schema check.
      McpSchema.CallToolResult tolerated = call(client, "COMPOSIO_MANAGE_CONNECTIONS",
          "{\"toolkits\": [\"github\"], \"reason\": \"the model added this\"}");
      assertThat(tolerated.isError()).isFalse();
      assertThat(answer(tolerated).at("/data/results/github/status").asText()).isEqualTo("initiated");
    }
  }
}

package dev.tether.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.core.Session;
import dev.tether.core.ToolDefinition;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * Meta-tools in MCP's terms: a {@link ToolDefinition} as an MCP tool, and a {@code tools/call} as
 * {@link Session#execute(String, String)}. Translation only: what a tool offers, accepts and
 * answers is the engine's.
 */
final class McpTools {
  private static final System.Logger LOG = System.getLogger(McpTools.class.getName());

  private McpTools() {}

  /** The definition with its schema as JSON and its hints as MCP tool annotations. */
  static McpSchema.Tool tool(ToolDefinition definition, McpJsonMapper json) {
    ToolDefinition.Hints hints = definition.hints();
    return McpSchema.Tool.builder(definition.name(), json, definition.inputSchema())
        .description(definition.description())
        .annotations(new McpSchema.ToolAnnotations(null, hints.readOnly(), hints.destructive(), hints.idempotent(),
            hints.openWorld(), null))
        .build();
  }

  /**
   * Runs the tool: the engine's JSON answer is the result's text, and {@code "successful": false}
   * (a request the engine refused, e.g. a toolkit that does not exist) sets {@code isError}, which
   * is how MCP tells the model to correct its call.
   */
  static McpSchema.CallToolResult call(Session session, String name, Map<String, Object> arguments,
      ObjectMapper json) {
    String answer;
    try {
      answer = session.execute(name, json.writeValueAsString(arguments == null ? Map.of() : arguments));
    } catch (JsonProcessingException | RuntimeException e) {
      // Not bad input (the engine answers that itself): the engine or its store failed. Its
      // messages carry no secret; the model gets the tool's name and that it may retry.
      LOG.log(System.Logger.Level.WARNING, "MCP call of " + name + " for session " + session.id() + " failed", e);
      return McpSchema.CallToolResult.builder()
          .addTextContent(name + " failed on the server (" + e.getClass().getSimpleName() + "); try again later.")
          .isError(true)
          .build();
    }
    return McpSchema.CallToolResult.builder().addTextContent(answer).isError(refused(answer, json)).build();
  }

  private static boolean refused(String answer, ObjectMapper json) {
    try {
      JsonNode successful = json.readTree(answer).path("successful");
      return successful.isBoolean() && !successful.booleanValue();
    } catch (JsonProcessingException e) {
      return true;
    }
  }
}

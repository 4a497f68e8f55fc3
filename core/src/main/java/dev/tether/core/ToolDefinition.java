package dev.tether.core;

import java.util.Objects;

/**
 * A meta-tool as an LLM framework needs it: name, description and JSON Schema of its input.
 *
 * @param name the tool slug, e.g. {@code COMPOSIO_MANAGE_CONNECTIONS}
 * @param description what the tool does and when to call it, for the model
 * @param inputSchema the JSON Schema (draft 2020-12 subset) of the arguments object, as JSON text
 */
public record ToolDefinition(String name, String description, String inputSchema) {
  /**
   * Checks that no component is null.
   *
   * @param name the tool slug
   * @param description what the tool does, for the model
   * @param inputSchema the JSON Schema of the arguments, as JSON text
   */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(inputSchema, "inputSchema");
  }
}

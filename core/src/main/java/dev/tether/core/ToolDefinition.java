package dev.tether.core;

import java.util.Objects;

/**
 * A meta-tool as an LLM framework needs it: name, description and JSON Schema of its input, and
 * what calling it does to the world ({@link Hints}), for protocols that say so (MCP's tool
 * annotations). Immutable.
 *
 * @param name the tool slug, e.g. {@code COMPOSIO_MANAGE_CONNECTIONS}
 * @param description what the tool does and when to call it, for the model
 * @param inputSchema the JSON Schema (draft 2020-12 subset) of the arguments object, as JSON text
 * @param hints what a call changes; {@link Hints#UNSTATED} when the tool says nothing
 */
public record ToolDefinition(String name, String description, String inputSchema, Hints hints) {
  /**
   * Checks that no component is null.
   *
   * @param name the tool slug
   * @param description what the tool does, for the model
   * @param inputSchema the JSON Schema of the arguments, as JSON text
   * @param hints what a call changes
   */
  public ToolDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(inputSchema, "inputSchema");
    Objects.requireNonNull(hints, "hints");
  }

  /**
   * A definition that states nothing about its effects ({@link Hints#UNSTATED}).
   *
   * @param name the tool slug
   * @param description what the tool does, for the model
   * @param inputSchema the JSON Schema of the arguments, as JSON text
   */
  public ToolDefinition(String name, String description, String inputSchema) {
    this(name, description, inputSchema, Hints.UNSTATED);
  }

  /**
   * What calling a tool does, in the terms of MCP's tool annotations ({@code readOnlyHint},
   * {@code destructiveHint}, {@code idempotentHint}, {@code openWorldHint}), so that a client can
   * decide what to confirm with the user. Immutable.
   *
   * @param readOnly the call changes nothing
   * @param destructive the call may undo or replace what exists (only meaningful when not read-only)
   * @param idempotent calling again with the same arguments has no further effect
   * @param openWorld the call reaches beyond the engine, e.g. to a third-party app's servers
   */
  public record Hints(boolean readOnly, boolean destructive, boolean idempotent, boolean openWorld) {
    /** What a client must assume of a tool that says nothing: it may change, replace and reach out. */
    public static final Hints UNSTATED = new Hints(false, true, false, true);
  }
}

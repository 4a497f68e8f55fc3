package dev.tether.langchain4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a tool's JSON Schema into LangChain4j's typed schema elements, node by node.
 *
 * <ul>
 *   <li>{@code object}, {@code array}, {@code string}, {@code integer}, {@code number},
 *       {@code boolean}, {@code null} and string {@code enum}s become their typed element, with
 *       description, properties, {@code required}, boolean {@code additionalProperties} and array
 *       item types kept.
 *   <li>Keywords a typed element has no slot for ({@code default}, {@code minItems}, {@code maxItems},
 *       {@code pattern}, …) are appended to its description as {@code (keyword: json, …)}, so the
 *       model still reads them; the engine enforces them either way.
 *   <li>A node no typed element can hold (no or several types, {@code oneOf}, {@code $ref},
 *       non-string enums) becomes a {@link JsonRawSchema} of its exact text.
 *   <li>{@code $schema}, {@code $id} and {@code $comment} describe the document, not the value, and
 *       are dropped.
 * </ul>
 *
 * <p>Thread-safe: stateless.
 */
final class JsonSchemaElements {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> DOCUMENT_KEYWORDS = Set.of("$schema", "$id", "$comment");
  private static final Set<String> SCALAR_KEYWORDS = Set.of("type", "description");
  private static final Set<String> ENUM_KEYWORDS = Set.of("type", "description", "enum");
  private static final Set<String> ARRAY_KEYWORDS = Set.of("type", "description", "items");
  private static final Set<String> OBJECT_KEYWORDS =
      Set.of("type", "description", "properties", "required", "additionalProperties");

  private JsonSchemaElements() {}

  /**
   * The parameters of a tool.
   *
   * @param toolName the tool's name, for messages
   * @param inputSchema the tool's JSON Schema; its root must be an object schema
   * @return the typed root
   * @throws IllegalArgumentException if the schema is not JSON or its root is not an object schema
   */
  static JsonObjectSchema parametersOf(String toolName, String inputSchema) {
    JsonNode root;
    try {
      root = JSON.readTree(inputSchema);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("The input schema of " + toolName + " is not JSON: "
          + e.getOriginalMessage());
    }
    JsonSchemaElement parameters = of(root);
    if (!(parameters instanceof JsonObjectSchema)) {
      throw new IllegalArgumentException("The input schema of " + toolName
          + " must be a JSON object schema with \"type\": \"object\", not " + root);
    }
    return (JsonObjectSchema) parameters;
  }

  /** The element for one schema node. */
  static JsonSchemaElement of(JsonNode node) {
    if (!node.isObject()) {
      return raw(node); // a boolean schema, true or false
    }
    ObjectNode schema = (ObjectNode) node;
    JsonNode type = schema.get("type");
    if (type != null && !type.isTextual()) {
      return raw(schema);
    }
    if (schema.has("enum")) {
      return type == null || "string".equals(type.textValue()) ? stringEnum(schema) : raw(schema);
    }
    if (type == null) {
      return raw(schema);
    }
    switch (type.textValue()) {
      case "object":
        return object(schema);
      case "array":
        return array(schema);
      case "string":
        return JsonStringSchema.builder().description(description(schema, SCALAR_KEYWORDS)).build();
      case "integer":
        return JsonIntegerSchema.builder().description(description(schema, SCALAR_KEYWORDS)).build();
      case "number":
        return JsonNumberSchema.builder().description(description(schema, SCALAR_KEYWORDS)).build();
      case "boolean":
        return JsonBooleanSchema.builder().description(description(schema, SCALAR_KEYWORDS)).build();
      case "null":
        // LangChain4j's null schema has no description; anything more stays raw.
        return schema.size() == 1 ? new JsonNullSchema() : raw(schema);
      default:
        return raw(schema);
    }
  }

  private static JsonSchemaElement stringEnum(ObjectNode schema) {
    JsonNode values = schema.get("enum");
    if (!values.isArray() || values.isEmpty()) {
      return raw(schema);
    }
    List<String> out = new ArrayList<>(values.size());
    for (JsonNode value : values) {
      if (!value.isTextual()) {
        return raw(schema);
      }
      out.add(value.textValue());
    }
    return JsonEnumSchema.builder().description(description(schema, ENUM_KEYWORDS)).enumValues(out).build();
  }

  private static JsonSchemaElement array(ObjectNode schema) {
    JsonNode items = schema.get("items");
    if (items != null && !items.isObject()) {
      return raw(schema); // tuple items (an array of schemas) or a boolean schema
    }
    return JsonArraySchema.builder()
        .description(description(schema, ARRAY_KEYWORDS))
        .items(items == null ? null : of(items))
        .build();
  }

  private static JsonSchemaElement object(ObjectNode schema) {
    JsonNode properties = schema.get("properties");
    JsonNode required = schema.get("required");
    if ((properties != null && !properties.isObject()) || (required != null && !isTextArray(required))) {
      return raw(schema);
    }
    JsonObjectSchema.Builder out = JsonObjectSchema.builder();
    if (properties != null) {
      Map<String, JsonSchemaElement> typed = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> property : properties.properties()) {
        typed.put(property.getKey(), of(property.getValue()));
      }
      out.addProperties(typed);
    }
    if (required != null) {
      List<String> names = new ArrayList<>(required.size());
      required.forEach(name -> names.add(name.textValue()));
      out.required(names);
    }
    JsonNode additional = schema.get("additionalProperties");
    Set<String> handled = OBJECT_KEYWORDS;
    if (additional != null && additional.isBoolean()) {
      out.additionalProperties(additional.booleanValue());
    } else if (additional != null) {
      // A schema for the extra properties has no typed slot: the description carries it.
      handled = Set.of("type", "description", "properties", "required");
    }
    return out.description(description(schema, handled)).build();
  }

  /** The node's description, followed by the keywords its element has no slot for. */
  private static String description(ObjectNode schema, Set<String> handled) {
    JsonNode description = schema.get("description");
    String text = description != null && description.isTextual() ? description.textValue() : null;
    List<String> notes = new ArrayList<>();
    for (Map.Entry<String, JsonNode> keyword : schema.properties()) {
      String name = keyword.getKey();
      boolean kept = handled.contains(name) && !(name.equals("description") && text == null);
      if (!kept && !DOCUMENT_KEYWORDS.contains(name)) {
        notes.add(name + ": " + keyword.getValue());
      }
    }
    if (notes.isEmpty()) {
      return text;
    }
    String joined = String.join(", ", notes);
    return text == null ? joined : text + " (" + joined + ")";
  }

  private static boolean isTextArray(JsonNode node) {
    if (!node.isArray()) {
      return false;
    }
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static JsonRawSchema raw(JsonNode node) {
    return JsonRawSchema.from(node.toString());
  }
}

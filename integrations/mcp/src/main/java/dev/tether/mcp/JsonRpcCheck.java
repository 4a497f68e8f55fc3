package dev.tether.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * Reads a request body as one JSON-RPC message before the SDK does, so that what the SDK would
 * answer with a serialized exception (its stack trace, and text from the request) gets a JSON-RPC
 * error instead: -32700 for what is not JSON (a duplicated key and content after the message
 * included, as the meta-tools refuse them), -32600 for what is not one request, -32602 for a
 * {@code tools/call} without a tool name or with arguments that are not an object. Messages are
 * fixed sentences: never text from the request. Thread-safe.
 */
final class JsonRpcCheck {
  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** A refusal: its JSON-RPC code, the id when readable, a sentence. */
  record Refusal(int code, JsonNode id, String message) {}

  /**
   * What the check found.
   *
   * @param id the message's id when it is a string or an integer, else null
   * @param refusal why the SDK may not have it, or null when it may
   */
  record Checked(JsonNode id, Refusal refusal) {}

  private static final java.util.List<String> OBJECTS_OF_ANY = java.util.List.of("_meta");
  private static final java.util.List<String> OBJECTS_OF_INITIALIZE = java.util.List.of("_meta", "capabilities",
      "clientInfo");

  private JsonRpcCheck() {}

  /**
   * Checks one message.
   *
   * @return its id, and why the SDK may not read it (or null when it may)
   */
  static Checked check(byte[] body) {
    JsonNode root;
    try {
      root = STRICT.readTree(body);
    } catch (JsonProcessingException e) {
      return new Checked(null, new Refusal(-32700, null, e.getMessage() != null
          && e.getMessage().startsWith("Duplicate field")
          ? "Parse error: a key appears twice in the message; send each key once"
          : "Parse error: the body is not one JSON value; send one JSON-RPC message as a JSON object"));
    } catch (IOException e) {
      return new Checked(null, new Refusal(-32700, null, "Parse error: the body could not be read"));
    }
    Refusal refusal = refusal(root);
    JsonNode id = root == null ? null : root.get("id");
    return new Checked(refusal != null ? refusal.id()
        : id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null, refusal);
  }

  private static Refusal refusal(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      return new Refusal(-32700, null, "Parse error: the body is empty; send one JSON-RPC message as a JSON object");
    }
    if (!root.isObject()) {
      return new Refusal(-32600, null, "Invalid request: send one JSON-RPC message as a JSON object (no batches)");
    }
    JsonNode idNode = root.get("id");
    JsonNode id = idNode != null && (idNode.isTextual() || idNode.isIntegralNumber()) ? idNode : null;
    if (idNode != null && id == null) {
      return new Refusal(-32600, null, "Invalid request: \"id\" must be a string or an integer");
    }
    if (!"2.0".equals(root.path("jsonrpc").asText(null))) {
      return new Refusal(-32600, id, "Invalid request: \"jsonrpc\" must be \"2.0\"");
    }
    JsonNode method = root.get("method");
    if (method == null) {
      // A response (this stateless server asks the client nothing) or nothing at all.
      return new Refusal(-32600, id, root.has("result") || root.has("error")
          ? "Invalid request: this server asks nothing, so it takes no responses; send requests"
          : "Invalid request: a request names its \"method\"");
    }
    if (!method.isTextual()) {
      return new Refusal(-32600, id, "Invalid request: \"method\" must be a string such as \"tools/list\"");
    }
    JsonNode params = root.get("params");
    if (params != null && !params.isObject() && !params.isNull()) {
      return new Refusal(-32602, id, "Invalid params: \"params\" must be an object");
    }
    // Objects the SDK's parser would otherwise refuse quoting the value it found (into its log too).
    for (String field : "initialize".equals(method.asText()) ? OBJECTS_OF_INITIALIZE : OBJECTS_OF_ANY) {
      JsonNode value = params == null ? null : params.get(field);
      if (value != null && !value.isObject() && !value.isNull()) {
        return new Refusal(-32602, id, "Invalid params: params." + field + " must be an object");
      }
    }
    if ("tools/call".equals(method.asText())) {
      if (params == null || !params.path("name").isTextual()) {
        return new Refusal(-32602, id, "Invalid params: tools/call names the tool in params.name, e.g. "
            + "{\"name\": \"COMPOSIO_MANAGE_CONNECTIONS\", \"arguments\": {\"toolkits\": [\"gmail\"]}}");
      }
      JsonNode arguments = params.get("arguments");
      if (arguments != null && !arguments.isObject() && !arguments.isNull()) {
        return new Refusal(-32602, id, "Invalid params: params.arguments must be a JSON object such as "
            + "{\"toolkits\": [\"gmail\"]}");
      }
    }
    return null;
  }
}

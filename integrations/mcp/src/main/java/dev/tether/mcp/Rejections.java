package dev.tether.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The servlet's own refusals, as JSON-RPC error bodies an MCP client can show. Their messages are
 * fixed sentences or the SDK's header checks: never a header value, a token or a session's state.
 */
final class Rejections {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** One answer for an unknown or expired session and a missing or wrong bearer. */
  static final String UNAUTHORIZED = "Unauthorized: use the session's MCP URL with its Authorization header, as "
      + "Session.mcp() gives them; a session that was not used for a while expires.";

  private Rejections() {}

  static void unauthorized(HttpServletResponse response) throws IOException {
    response.setHeader("WWW-Authenticate", "Bearer");
    reject(response, HttpServletResponse.SC_UNAUTHORIZED, UNAUTHORIZED);
  }

  static void reject(HttpServletResponse response, int status, String message) throws IOException {
    reject(response, status, -32000, null, message);
  }

  /**
   * A JSON-RPC error answer.
   *
   * @param id the request's id when it could be read (a string or a number), else null
   */
  static void reject(HttpServletResponse response, int status, int code, com.fasterxml.jackson.databind.JsonNode id,
      String message) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("jsonrpc", "2.0");
    if (id == null) {
      body.putNull("id");
    } else {
      body.set("id", id);
    }
    body.putObject("error").put("code", code).put("message", message);
    byte[] bytes = JSON.writeValueAsBytes(body);
    response.setStatus(status);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }
}

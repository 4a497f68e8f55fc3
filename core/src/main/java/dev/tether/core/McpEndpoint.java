package dev.tether.core;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where an MCP client (Claude Desktop, Cursor, an agent framework) reaches one session's
 * meta-tools: Streamable HTTP at {@link #url()}, with {@link #headers()} on every request. The
 * header carries the session's bearer secret, so knowing a session id is not enough. Immutable;
 * {@link #toString()} hides the secret.
 *
 * @param type the MCP transport: {@code http} (Streamable HTTP)
 * @param url the session's endpoint, under the engine's MCP base URL
 * @param headers what the client sends with every request: {@code Authorization: Bearer …}
 */
public record McpEndpoint(String type, URI url, Map<String, String> headers) {
  /**
   * Checks and copies.
   *
   * @param type the MCP transport; not null
   * @param url the session's endpoint; not null
   * @param headers the request headers, copied; not null
   */
  public McpEndpoint {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
  }

  /** Shows the URL and the header names, never their values. */
  @Override
  public String toString() {
    return "McpEndpoint[" + type + ", " + url + ", headers=" + headers.keySet() + "]";
  }
}

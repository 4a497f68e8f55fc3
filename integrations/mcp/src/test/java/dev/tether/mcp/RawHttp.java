package dev.tether.mcp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** MCP requests written by hand, for what a well-behaved client never sends. */
final class RawHttp {
  static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
      + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
  static final String LIST_TOOLS = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}";
  private static final Duration BUDGET = Duration.ofSeconds(30);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(BUDGET).build();

  private RawHttp() {}

  /** POSTs a JSON-RPC message as MCP clients do, with {@code headers} on top. */
  static HttpResponse<String> post(URI url, String body, Map<String, String> headers) {
    return send(base(url, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /** POSTs {@code body} chunked, without a Content-Length. */
  static HttpResponse<String> postChunked(URI url, byte[] body, Map<String, String> headers) {
    return send(base(url, headers)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build());
  }

  /** Any other method, without a body. */
  static HttpResponse<String> method(String method, URI url, Map<String, String> headers) {
    return send(base(url, headers).method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  private static HttpRequest.Builder base(URI url, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(BUDGET)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream");
    headers.forEach(b::header);
    return b;
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * POSTs over a plain socket with the {@code Host} header given (the JDK client will not send a
   * chosen one), and returns the status code.
   */
  static int postWithHost(int port, String host, String path, String authorization, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\n"
        + "Host: " + host + "\r\n"
        + "Authorization: " + authorization + "\r\n"
        + "Content-Type: application/json\r\n"
        + "Accept: application/json, text/event-stream\r\n"
        + "Content-Length: " + bytes.length + "\r\n"
        + "Connection: close\r\n\r\n";
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), (int) BUDGET.toMillis());
      socket.setSoTimeout((int) BUDGET.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(response.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

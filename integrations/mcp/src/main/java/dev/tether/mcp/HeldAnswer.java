package dev.tether.mcp;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The SDK's answer to one message, kept until it is known to carry nothing it should not: an error
 * it answers itself may be its serialized exception (stack trace, and text from the message), which
 * goes out as a fixed JSON-RPC error instead. Not thread-safe: one per request.
 */
final class HeldAnswer extends jakarta.servlet.http.HttpServletResponseWrapper {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
  private int status = SC_OK;
  private java.io.PrintWriter writer;

  HeldAnswer(HttpServletResponse response) {
    super(response);
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc) {
    status = sc;
  }

  @Override
  public void sendError(int sc, String msg) {
    status = sc;
  }

  @Override
  public void setContentLength(int len) {
    // set when the answer is sent
  }

  @Override
  public void setContentLengthLong(long len) {
    // set when the answer is sent
  }

  @Override
  public void flushBuffer() {
    // nothing goes out before send
  }

  @Override
  public boolean isCommitted() {
    return false;
  }

  @Override
  public jakarta.servlet.ServletOutputStream getOutputStream() {
    return new jakarta.servlet.ServletOutputStream() {
      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setWriteListener(jakarta.servlet.WriteListener listener) {
        throw new IllegalStateException("The answer is held back; write it blocking");
      }

      @Override
      public void write(int b) {
        bytes.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
      }
    };
  }

  @Override
  public java.io.PrintWriter getWriter() {
    if (writer == null) {
      writer = new java.io.PrintWriter(new java.io.OutputStreamWriter(bytes, java.nio.charset.StandardCharsets.UTF_8));
    }
    return writer;
  }

  /** Sends the answer, or a fixed JSON-RPC error in place of an error the SDK wrote itself. */
  void send(com.fasterxml.jackson.databind.JsonNode id) throws IOException {
    if (writer != null) {
      writer.flush();
    }
    HttpServletResponse out = (HttpServletResponse) getResponse();
    byte[] answer = bytes.toByteArray();
    if (status >= 400) {
      Rejections.reject(out, status >= 500 ? SC_INTERNAL_SERVER_ERROR : SC_BAD_REQUEST,
          status >= 500 ? -32603 : -32600, id, status >= 500
              ? "Internal error: the server could not answer this message"
              : "Invalid request: the message could not be read as MCP; check it against the MCP schema");
      return;
    }
    if (answer.length > 0 && internalError(answer)) {
      Rejections.reject(out, SC_OK, -32603, id,
          "Internal error: the message's params could not be read; check them against the MCP schema");
      return;
    }
    out.setStatus(status);
    out.setContentLength(answer.length);
    out.getOutputStream().write(answer);
  }

  /** A JSON-RPC error -32603, whose message is the SDK's parser's text (it may quote the request). */
  private static boolean internalError(byte[] answer) {
    try {
      com.fasterxml.jackson.databind.JsonNode root = JSON.readTree(answer);
      return root != null && root.path("error").path("code").asInt() == -32603;
    } catch (IOException | RuntimeException notJson) {
      return false;
    }
  }
}

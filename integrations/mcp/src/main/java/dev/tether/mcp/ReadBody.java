package dev.tether.mcp;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A request whose body the servlet read already (to check it): the SDK reads these bytes again.
 * Not thread-safe: one per request.
 */
final class ReadBody extends jakarta.servlet.http.HttpServletRequestWrapper {
  private final byte[] body;

  ReadBody(HttpServletRequest request, byte[] body) {
    super(request);
    this.body = body;
  }

  @Override
  public jakarta.servlet.ServletInputStream getInputStream() {
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
    return new jakarta.servlet.ServletInputStream() {
      @Override
      public boolean isFinished() {
        return in.available() == 0;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(jakarta.servlet.ReadListener listener) {
        throw new IllegalStateException("The body was read already; read it blocking");
      }

      @Override
      public int read() {
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return in.read(b, off, len);
      }
    };
  }

  @Override
  public java.io.BufferedReader getReader() {
    String encoding = getCharacterEncoding();
    java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.UTF_8;
    try {
      charset = encoding == null ? charset : java.nio.charset.Charset.forName(encoding);
    } catch (IllegalArgumentException unknown) {
      // JSON is UTF-8 (RFC 8259): read it so
    }
    return new java.io.BufferedReader(new java.io.InputStreamReader(new java.io.ByteArrayInputStream(body), charset));
  }

  @Override
  public int getContentLength() {
    return body.length;
  }

  @Override
  public long getContentLengthLong() {
    return body.length;
  }
}

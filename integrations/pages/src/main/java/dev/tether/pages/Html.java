package dev.tether.pages;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * Text into HTML, and inline content into a Content-Security-Policy source. For hosts that write
 * pages of their own beside the {@linkplain ConnectPages#defaults() default} ones. Thread-safe: no
 * state.
 */
public final class Html {
  private static final char REPLACEMENT = '\uFFFD';

  private Html() {}

  /**
   * Escapes {@code text} for an HTML text node or a quoted attribute value: {@code &}, {@code <},
   * {@code >}, {@code "} and {@code '} become character references, so nothing the text holds can
   * end an element or an attribute. A character that has no place in an HTML page (a control
   * character other than tab, line feed and carriage return, or half of a surrogate pair, which
   * UTF-8 cannot encode) becomes U+FFFD.
   *
   * @param text any text; not null
   * @return the text, safe between tags and inside {@code "…"} or {@code '…'}
   */
  public static String escape(String text) {
    Objects.requireNonNull(text, "text");
    StringBuilder out = new StringBuilder(text.length() + 16);
    appendEscaped(out, text);
    return out.toString();
  }

  /** {@link #escape} straight into {@code out}. */
  static StringBuilder appendEscaped(StringBuilder out, String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&':
          out.append("&amp;");
          break;
        case '<':
          out.append("&lt;");
          break;
        case '>':
          out.append("&gt;");
          break;
        case '"':
          out.append("&quot;");
          break;
        case '\'':
          out.append("&#39;");
          break;
        default:
          if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (Character.isSurrogate(c) || isControl(c)) {
            out.append(REPLACEMENT);
          } else {
            out.append(c);
          }
      }
    }
    return out;
  }

  private static boolean isControl(char c) {
    return c < 0x20 ? c != '\t' && c != '\n' && c != '\r' : c >= 0x7f && c <= 0x9f;
  }

  /**
   * The Content-Security-Policy source that allows one inline {@code <style>} or {@code <script>}
   * element: the SHA-256 of its exact content, e.g. {@code 'sha256-…'} for
   * {@code style-src 'sha256-…'}.
   *
   * @param inlineContent the text between the element's tags, byte for byte as the page sends it;
   *     not null
   * @return the quoted hash source
   */
  public static String cspHash(String inlineContent) {
    Objects.requireNonNull(inlineContent, "inlineContent");
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(inlineContent.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(hash) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java platform has SHA-256", e);
    }
  }
}

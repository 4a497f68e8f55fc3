package dev.tether.providers.oauth2;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Percent-encoding for query strings and form bodies (space as {@code %20}). */
final class FormBodies {
  /** RFC 3986 unreserved characters: never percent-encoded. */
  private static final boolean[] UNRESERVED = new boolean[128];

  static {
    String unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    for (int i = 0; i < unreserved.length(); i++) {
      UNRESERVED[unreserved.charAt(i)] = true;
    }
  }

  private FormBodies() {}

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code value} as is when it holds only unreserved characters (a base64url state), else encoded. */
  static String encodeIfNeeded(String value) {
    for (int i = 0, n = value.length(); i < n; i++) {
      char c = value.charAt(i);
      if (c >= 128 || !UNRESERVED[c]) {
        return encode(value);
      }
    }
    return value;
  }

  static String encode(Map<String, String> parameters) {
    StringBuilder sb = new StringBuilder(128);
    parameters.forEach((name, value) -> {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(encode(name)).append('=').append(encode(value));
    });
    return sb.toString();
  }

  /** Appends encoded parameters to {@code base}, keeping any query it already has. */
  static URI withQuery(URI base, Map<String, String> parameters) {
    String s = base.toString();
    int hash = s.indexOf('#');
    String fragment = hash < 0 ? "" : s.substring(hash);
    String head = hash < 0 ? s : s.substring(0, hash);
    char joiner = head.indexOf('?') < 0 ? '?' : (head.endsWith("?") || head.endsWith("&") ? 0 : '&');
    StringBuilder sb = new StringBuilder(head.length() + 256).append(head);
    if (joiner != 0) {
      sb.append(joiner);
    }
    return URI.create(sb.append(encode(parameters)).append(fragment).toString());
  }
}

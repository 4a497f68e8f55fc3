package dev.tether.spi;

import java.net.URI;
import java.util.Objects;

/**
 * Cheap checks of URL text, so a hot path can hand out a URL without paying for a {@link URI}
 * parse: whatever passes {@link #requireHttpUrl} parses with {@link URI#create}.
 */
final class Urls {
  /**
   * Characters legal anywhere after the authority with no further check: RFC 3986 unreserved,
   * sub-delims and ":@/?". ('%' and '#' are legal with conditions.)
   */
  private static final boolean[] PLAIN = new boolean[128];

  static {
    String plain = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?";
    for (int i = 0; i < plain.length(); i++) {
      PLAIN[plain.charAt(i)] = true;
    }
  }

  private Urls() {}

  /**
   * Checks that {@code url} is an absolute http(s) URL with a host, and that every character after
   * the authority is legal in a URI, with {@code %} always followed by two hex digits and at most
   * one {@code #}. A plain {@code host[:port]} authority is checked here, any other (short) one by
   * {@link URI}'s parser. Messages name the problem and its position, never the URL (it may carry a
   * state).
   */
  static String requireHttpUrl(String url, String what) {
    Objects.requireNonNull(url, "url");
    int start = url.regionMatches(true, 0, "https://", 0, 8) ? 8
        : url.regionMatches(true, 0, "http://", 0, 7) ? 7 : -1;
    if (start < 0) {
      throw new IllegalArgumentException(what + " must be an absolute http(s) URL starting with https:// or "
          + "http://");
    }
    int end = start;
    while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?' && url.charAt(end) != '#') {
      end++;
    }
    if (end == start) {
      throw new IllegalArgumentException(what + " must name a host after the scheme");
    }
    if (!isPlainHostAndPort(url, start, end)) {
      try {
        URI.create(url.substring(0, end));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " has an invalid authority (characters " + start + " to " + end
            + "); percent-encode reserved characters in it");
      }
    }
    boolean fragment = false;
    for (int i = end, n = url.length(); i < n; i++) {
      char c = url.charAt(i);
      if (c < 128 && PLAIN[c]) {
        continue; // almost every character: one load, one branch
      }
      if (c == '#') {
        if (fragment) {
          throw new IllegalArgumentException(what + " has a second '#' at index " + i + "; encode it as %23");
        }
        fragment = true;
      } else if (c == '%') {
        if (i + 2 >= n || !isHex(url.charAt(i + 1)) || !isHex(url.charAt(i + 2))) {
          throw new IllegalArgumentException(what + " has a '%' not followed by two hex digits at index " + i
              + "; encode a literal '%' as %25");
        }
      } else {
        throw new IllegalArgumentException(what + " has a character a URL may not contain at index " + i
            + " (U+" + String.format("%04X", (int) c) + "); percent-encode it");
      }
    }
    return url;
  }

  /** Scheme, authority and path: what may be shown of a URL whose query carries secrets. */
  static String withoutQuery(String url) {
    int cut = url.length();
    int q = url.indexOf('?');
    int h = url.indexOf('#');
    if (q >= 0) {
      cut = q;
    }
    if (h >= 0 && h < cut) {
      cut = h;
    }
    return url.substring(0, cut);
  }

  /** {@code host[:port]} with a host of letters, digits, dots and hyphens: the common case, no parse needed. */
  private static boolean isPlainHostAndPort(String url, int start, int end) {
    int i = start;
    while (i < end) {
      char c = url.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        break;
      }
      i++;
    }
    if (i == start) {
      return false;
    }
    if (i < end && url.charAt(i) == ':') {
      int digits = ++i;
      while (i < end && url.charAt(i) >= '0' && url.charAt(i) <= '9') {
        i++;
      }
      return i == end && i > digits && i - digits <= 5;
    }
    return i == end;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

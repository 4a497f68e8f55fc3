package dev.tether.spi;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The one rule for the URLs providers hand out and call: an absolute {@code http} or {@code https}
 * URL (scheme in any case) with a host, whose every character is legal in a URI (RFC 3986) — so
 * that whatever passes parses with {@link URI#create} to the same text. An <em>endpoint</em> (a URL
 * a provider is configured with and calls, or a host's own URL) must also carry no user-info
 * ({@code user:password@}): credentials travel in their own channel, and a URL is printed in
 * messages and {@code toString()}.
 *
 * <p>{@link AuthorizationLink} applies {@link #requireHttpUrl(String, String)} to the text it is
 * given and to the text of a {@link URI} it is given, so both ways to make a link accept the same
 * URLs. The check of text is cheap (one pass, no {@code URI} parse for a plain {@code host[:port]}),
 * fit for a link's hot path.
 *
 * <p>Messages name the problem and its position, never the URL, which may carry a state. Stateless
 * and thread-safe.
 */
public final class Urls {
  /** RFC 3986 §2.3 unreserved characters (a constant, so the tables below can use it). */
  private static final String UNRESERVED_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

  /**
   * Characters legal anywhere after the authority with no further check: RFC 3986 unreserved,
   * sub-delims and ":@/?". ('%' and '#' are legal with conditions.)
   */
  private static final boolean[] PLAIN = table(UNRESERVED_CHARS + "!$&'()*+,;=:@/?");

  /** RFC 3986 §2.3 unreserved characters: never percent-encoded. */
  private static final boolean[] UNRESERVED = table(UNRESERVED_CHARS);

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** The highest TCP port. */
  private static final int MAX_PORT = 65535;

  private Urls() {}

  /** A lookup table of ASCII characters: true for those in {@code chars}. */
  private static boolean[] table(String chars) {
    boolean[] table = new boolean[128];
    for (int i = 0; i < chars.length(); i++) {
      table[chars.charAt(i)] = true;
    }
    return table;
  }

  /**
   * Checks a URL's text: absolute {@code http(s)} with a host, every character after the authority
   * legal in a URI, {@code %} always followed by two hex digits, at most one {@code #}. User-info is
   * allowed (an upstream's authorization URL is the upstream's business).
   *
   * @param url the URL's text; not null
   * @param what what messages call it, e.g. {@code An authorization link}
   * @return {@code url}
   * @throws IllegalArgumentException naming the first problem and its index, never the URL
   */
  public static String requireHttpUrl(String url, String what) {
    return check(Objects.requireNonNull(url, what), what, true);
  }

  /**
   * Checks a URL with {@link #requireHttpUrl(String, String)}'s rule, applied to its text.
   *
   * @param url the URL; not null
   * @param what what messages call it
   * @return {@code url}
   * @throws IllegalArgumentException naming the first problem, never the URL
   */
  public static URI requireHttpUrl(URI url, String what) {
    check(Objects.requireNonNull(url, what).toString(), what, true);
    return url;
  }

  /**
   * Checks an endpoint's text: {@link #requireHttpUrl(String, String)}'s rule, and no user-info.
   *
   * @param url the endpoint's text; not null
   * @param what what messages call it, e.g. {@code tokenUrl}
   * @return {@code url}
   * @throws IllegalArgumentException naming the first problem, never the URL
   */
  public static String requireHttpEndpoint(String url, String what) {
    return check(Objects.requireNonNull(url, what), what, false);
  }

  /**
   * Checks an endpoint: {@link #requireHttpUrl(String, String)}'s rule applied to its text, and no
   * user-info.
   *
   * @param url the endpoint, e.g. a token URL; not null
   * @param what what messages call it, e.g. {@code tokenUrl}
   * @return {@code url}
   * @throws IllegalArgumentException naming the first problem, never the URL
   */
  public static URI requireHttpEndpoint(URI url, String what) {
    check(Objects.requireNonNull(url, what).toString(), what, false);
    return url;
  }

  /**
   * The rule. A plain {@code host[:port]} authority is checked here, any other one by {@link URI}'s
   * parser, which must find a host in it (a registry-based authority such as {@code :80} or
   * {@code a_b} has none, and the JDK's HTTP client refuses it).
   */
  private static String check(String url, String what, boolean userInfoAllowed) {
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
      URI authority;
      try {
        authority = URI.create(url.substring(0, end));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + " has an invalid authority (characters " + start + " to " + end
            + "); percent-encode reserved characters in it");
      }
      if (authority.getHost() == null) {
        throw new IllegalArgumentException(what + " must name a host after the scheme (characters " + start + " to "
            + end + " are no host name, IPv4 or [IPv6] address)");
      }
      if (authority.getPort() > MAX_PORT) {
        throw new IllegalArgumentException(what + " has a port above " + MAX_PORT + " (characters " + start + " to "
            + end + ")");
      }
      if (!userInfoAllowed && authority.getRawUserInfo() != null) {
        throw new IllegalArgumentException(what + " must not contain user info (user:password@)");
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

  /**
   * Percent-encodes one value for a URL's path or query (a parameter's name or value): RFC 3986's
   * unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) stay, every other UTF-8 byte becomes
   * {@code %XX} with upper-case hex, space included ({@code %20}, never {@code +}). That is also
   * RFC 5849 §3.6's encoding, which an OAuth 1.0a signature needs to the byte. Whatever it returns
   * holds only characters {@link #requireHttpUrl(String, String)} accepts anywhere after the host.
   * A lone surrogate, which UTF-8 cannot encode, becomes {@code %3F} (a {@code ?}).
   *
   * @param value the text to encode; not null
   * @return {@code value} itself when it holds only unreserved characters (a base64url state, a
   *     slug), else its encoding
   */
  public static String percentEncode(String value) {
    int n = value.length();
    int plain = 0;
    while (plain < n && isUnreserved(value.charAt(plain))) {
      plain++;
    }
    if (plain == n) {
      return value; // the common case on a link's hot path: no copy
    }
    byte[] rest = value.substring(plain).getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(plain + rest.length * 3).append(value, 0, plain);
    for (byte b : rest) {
      int c = b & 0xff;
      if (isUnreserved((char) c)) {
        sb.append((char) c);
      } else {
        sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return sb.toString();
  }

  private static boolean isUnreserved(char c) {
    return c < 128 && UNRESERVED[c];
  }

  /**
   * Whether text that starts a URL {@link #requireHttpUrl(String, String)} accepted reaches into its
   * query or fragment: a {@code ?} or {@code #} after the scheme's {@code //}.
   */
  static boolean reachesQuery(String start) {
    int from = start.indexOf("//") + 2;
    return start.indexOf('?', from) >= 0 || start.indexOf('#', from) >= 0;
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

  /**
   * {@code host[:port]} that {@link URI}'s parser certainly reads as a host name and port: the common
   * case, no parse needed. Labels of letters, digits and inner hyphens, separated by single dots; a
   * last label starting with a letter unless it is the only one; a port of at most {@value #MAX_PORT}.
   * Anything else (an IPv4 address, a trailing dot, a malformed label) is left to the parser.
   */
  private static boolean isPlainHostAndPort(String url, int start, int end) {
    int i = start;
    int label = start;
    while (i < end) {
      char c = url.charAt(i);
      if (c == '.') {
        if (i == label || url.charAt(i - 1) == '-') {
          return false; // an empty label, or one ending in '-'
        }
        label = i + 1;
      } else if (c == '-') {
        if (i == label) {
          return false; // a label starting with '-'
        }
      } else if (!isLetter(c) && !(c >= '0' && c <= '9')) {
        break;
      }
      i++;
    }
    if (i == label || url.charAt(i - 1) == '-' || (label > start && !isLetter(url.charAt(label)))) {
      return false;
    }
    if (i < end && url.charAt(i) == ':') {
      int digits = ++i;
      int port = 0;
      while (i < end && url.charAt(i) >= '0' && url.charAt(i) <= '9' && i - digits < 5) {
        port = port * 10 + url.charAt(i) - '0';
        i++;
      }
      return i == end && i > digits && port <= MAX_PORT;
    }
    return i == end;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}

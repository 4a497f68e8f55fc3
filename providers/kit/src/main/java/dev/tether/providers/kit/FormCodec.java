package dev.tether.providers.kit;

import dev.tether.spi.Urls;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one codec for {@code application/x-www-form-urlencoded} text: form bodies, URL queries, and
 * the form-encoded answers some upstreams send.
 *
 * <p>Encoding keeps only RFC 3986's unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) and
 * percent-encodes every other UTF-8 byte with upper-case hex, space included ({@code %20}, never
 * {@code +}). That is RFC 5849 §3.6's encoding, which an OAuth 1.0a signature needs to the byte,
 * and is a valid form and query encoding for every decoder.
 *
 * <p>Decoding follows the form rules: {@code +} is a space, {@code %XX} runs are UTF-8 (a malformed
 * sequence becomes U+FFFD), a pair without {@code =} has the empty value, and empty pairs
 * ({@code a=1&&b=2}, a trailing {@code &}) are skipped. A {@code %} not followed by two hex digits
 * is refused. {@link #decode} keeps every pair, in order, duplicates included (what an OAuth 1.0a
 * signature base string needs); {@link #decodeUnique} refuses a name given twice, so that no value
 * can be read two ways. Error messages give positions, never the text.
 *
 * <p>Stateless and thread-safe.
 */
public final class FormCodec {
  private FormCodec() {}

  /**
   * Percent-encodes one name or value, as {@link Urls#percentEncode(String)} does.
   *
   * @param value the text to encode; not null
   * @return {@code value} itself when it holds only unreserved characters (a base64url state, a
   *     slug), else its encoding
   */
  public static String encode(String value) {
    return Urls.percentEncode(value);
  }

  /**
   * Encodes parameters as {@code name=value&name=value}, in the map's order.
   *
   * @param parameters names and values; not null, no null name or value
   * @return the encoded text, empty for no parameters
   */
  public static String encode(Map<String, String> parameters) {
    StringBuilder sb = new StringBuilder(128);
    parameters.forEach((name, value) -> {
      if (sb.length() > 0) {
        sb.append('&');
      }
      sb.append(encode(name)).append('=').append(encode(value));
    });
    return sb.toString();
  }

  /**
   * Appends encoded parameters to a URL's query, keeping the query it already has and any fragment.
   *
   * @param url a URL's text, e.g. {@code https://as.example/authorize?prompt=consent}; not null
   * @param parameters the parameters to append, in order; not null
   * @return the URL with {@code ?} or {@code &} and the encoded parameters before its fragment, or
   *     {@code url} itself when there are none
   */
  public static String appendQuery(String url, Map<String, String> parameters) {
    Objects.requireNonNull(url, "url");
    if (parameters.isEmpty()) {
      return url;
    }
    int hash = url.indexOf('#');
    String head = hash < 0 ? url : url.substring(0, hash);
    StringBuilder sb = new StringBuilder(url.length() + 256).append(head);
    if (head.indexOf('?') < 0) {
      sb.append('?');
    } else if (!head.endsWith("?") && !head.endsWith("&")) {
      sb.append('&');
    }
    sb.append(encode(parameters));
    if (hash >= 0) {
      sb.append(url, hash, url.length());
    }
    return sb.toString();
  }

  /**
   * Decodes {@code a=b&c=d}, keeping every pair.
   *
   * @param encoded form-encoded text, e.g. a raw query or a form body; not null, may be empty
   * @return the decoded pairs in order, duplicates included; immutable
   * @throws IllegalArgumentException at a {@code %} not followed by two hex digits (the message
   *     gives its index, not the text)
   */
  public static List<Map.Entry<String, String>> decode(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    List<Map.Entry<String, String>> out = new ArrayList<>();
    int n = encoded.length();
    int start = 0;
    while (start <= n) {
      int end = encoded.indexOf('&', start);
      if (end < 0) {
        end = n;
      }
      if (end > start) {
        int eq = encoded.indexOf('=', start);
        if (eq < 0 || eq > end) {
          out.add(Map.entry(decodeComponent(encoded, start, end), ""));
        } else {
          out.add(Map.entry(decodeComponent(encoded, start, eq), decodeComponent(encoded, eq + 1, end)));
        }
      }
      start = end + 1;
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * Decodes {@code a=b&c=d} into a map, refusing a name given twice.
   *
   * @param encoded form-encoded text; not null, may be empty
   * @return names to values, in the text's order; immutable
   * @throws IllegalArgumentException at a malformed {@code %}, or when a name is given twice (the
   *     message gives the pair's position, not the name or the text)
   */
  public static Map<String, String> decodeUnique(String encoded) {
    Map<String, String> out = new LinkedHashMap<>();
    int index = 0;
    for (Map.Entry<String, String> pair : decode(encoded)) {
      index++;
      if (out.putIfAbsent(pair.getKey(), pair.getValue()) != null) {
        throw new IllegalArgumentException("Form-encoded text gives a parameter twice (pair " + index
            + " repeats an earlier name); refusing to choose one");
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Decodes {@code s[from, to)}: {@code +} is a space, {@code %XX} runs are UTF-8 bytes. */
  private static String decodeComponent(String s, int from, int to) {
    int i = from;
    while (i < to && s.charAt(i) != '%' && s.charAt(i) != '+') {
      i++;
    }
    if (i == to) {
      return s.substring(from, to);
    }
    StringBuilder sb = new StringBuilder(to - from).append(s, from, i);
    byte[] bytes = null;
    while (i < to) {
      char c = s.charAt(i);
      if (c == '+') {
        sb.append(' ');
        i++;
      } else if (c == '%') {
        if (bytes == null) {
          bytes = new byte[(to - i) / 3];
        }
        int count = 0;
        while (i < to && s.charAt(i) == '%') {
          int hi = i + 2 < to ? hex(s.charAt(i + 1)) : -1;
          int lo = hi < 0 ? -1 : hex(s.charAt(i + 2));
          if (lo < 0) {
            throw new IllegalArgumentException("Form-encoded text has a '%' not followed by two hex digits at index "
                + i);
          }
          bytes[count++] = (byte) ((hi << 4) | lo);
          i += 3;
        }
        sb.append(new String(bytes, 0, count, StandardCharsets.UTF_8));
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }

  /** The value of an ASCII hex digit, else -1 ({@link Character#digit} would take other scripts' digits). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}

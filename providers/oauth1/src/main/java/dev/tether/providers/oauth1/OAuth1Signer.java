package dev.tether.providers.oauth1;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 5849 §3.4: signature base string, HMAC-SHA1 signature, Authorization header. Stateless. */
final class OAuth1Signer {
  private OAuth1Signer() {}

  /** RFC 5849 §3.6 percent-encoding: everything but ALPHA, DIGIT, '-', '.', '_', '~'. */
  static String encode(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /**
   * The signature base string (§3.4.1): method, base string URI (§3.4.1.2: lower-case scheme and
   * host, default port dropped, no query) and the normalised parameters (§3.4.1.3: the URI's
   * query, the form body and the protocol parameters, encoded, sorted by name then value).
   *
   * @param protocolAndBody decoded protocol ({@code oauth_*}, no signature) and form-body parameters
   */
  static String baseString(String method, URI uri, List<Map.Entry<String, String>> protocolAndBody) {
    List<Map.Entry<String, String>> encoded = new ArrayList<>();
    String rawQuery = uri.getRawQuery();
    if (rawQuery != null && !rawQuery.isEmpty()) {
      for (String pair : rawQuery.split("&")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        encoded.add(new SimpleEntry<>(encode(decode(name)), encode(decode(value))));
      }
    }
    for (Map.Entry<String, String> p : protocolAndBody) {
      encoded.add(new SimpleEntry<>(encode(p.getKey()), encode(p.getValue())));
    }
    encoded.sort(Comparator.<Map.Entry<String, String>, String>comparing(Map.Entry::getKey)
        .thenComparing(Map.Entry::getValue));
    String normalized = encoded.stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    return method.toUpperCase(Locale.ROOT) + "&" + encode(baseUri(uri)) + "&" + encode(normalized);
  }

  static String baseUri(URI uri) {
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + path;
  }

  /** HMAC-SHA1 of the base string, keyed by {@code encode(consumerSecret)&encode(tokenSecret)} (§3.4.2). */
  static String hmacSha1(String baseString, String consumerSecret, String tokenSecret) {
    String key = encode(consumerSecret) + "&" + (tokenSecret == null ? "" : encode(tokenSecret));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(baseString.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is unavailable in this JDK", e);
    }
  }

  /** {@code OAuth k="v", …} with every name and value encoded (§3.5.1). */
  static String authorizationHeader(List<Map.Entry<String, String>> protocol) {
    return "OAuth " + protocol.stream().map(e -> encode(e.getKey()) + "=\"" + encode(e.getValue()) + "\"")
        .collect(Collectors.joining(", "));
  }

  static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8); // form rules: + is a space (§3.4.1.3.1)
  }
}

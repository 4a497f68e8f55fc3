package dev.tether.providers.oauth1;

import dev.tether.providers.kit.FormCodec;
import java.net.URI;
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

/**
 * RFC 5849 §3.4: signature base string, HMAC-SHA1 signature, Authorization header. Stateless.
 * Percent-encoding is {@link FormCodec#encode(String)}, which is §3.6's encoding to the byte.
 */
final class OAuth1Signer {
  private OAuth1Signer() {}

  private static String encode(String value) {
    return FormCodec.encode(value);
  }

  /**
   * The signature base string (§3.4.1): method, base string URI (§3.4.1.2: lower-case scheme and
   * host, default port dropped, no query) and the normalised parameters (§3.4.1.3: the URI's
   * query — read with the form rules of §3.4.1.3.1, every pair kept — the form body and the
   * protocol parameters, encoded, sorted by name then value).
   *
   * @param protocolAndBody decoded protocol ({@code oauth_*}, no signature) and form-body parameters
   */
  static String baseString(String method, URI uri, List<Map.Entry<String, String>> protocolAndBody) {
    List<Map.Entry<String, String>> encoded = new ArrayList<>();
    String rawQuery = uri.getRawQuery();
    if (rawQuery != null) {
      for (Map.Entry<String, String> pair : FormCodec.decode(rawQuery)) {
        encoded.add(new SimpleEntry<>(encode(pair.getKey()), encode(pair.getValue())));
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
}

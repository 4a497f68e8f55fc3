package dev.tether.core;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Validates callback URLs (where a user lands after connecting) and builds the final redirect.
 * Thread-safe: immutable.
 */
final class CallbackUrls {
  static final int MAX_LENGTH = 2048;

  /** The parameters the engine appends; a URL carrying its own would let a page read a forged outcome. */
  private static final Set<String> RESERVED_PARAMETERS = Set.of("status", "connected_account_id");

  private final Set<String> allowedOrigins;
  private final boolean anyOrigin;

  /**
   * @param allowedOrigins normalised origins ({@link #origin}) a callback URL may have
   * @param anyOrigin whether the host opted out of the allow-list
   */
  CallbackUrls(Set<String> allowedOrigins, boolean anyOrigin) {
    this.allowedOrigins = Set.copyOf(allowedOrigins);
    this.anyOrigin = anyOrigin;
  }

  /**
   * Returns {@code url} when it is an absolute http(s) URL with a host, no user-info, no control
   * characters, no {@code status} or {@code connected_account_id} parameter of its own (in its query
   * or its fragment), and an allowed origin.
   *
   * @throws IllegalArgumentException naming the problem and the fix
   */
  URI validate(URI url) {
    String shown = shown(url);
    if (!url.isAbsolute() || url.isOpaque()) {
      throw bad(shown, "it must be an absolute http or https URL such as https://your-app.com/callback");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw bad(shown, "its scheme must be http or https, not '" + url.getScheme() + "'");
    }
    if (url.getRawUserInfo() != null) {
      throw bad(shown, "it must not contain user info (user:password@)");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw bad(shown, "it must name a host");
    }
    String raw = url.toString();
    if (raw.length() > MAX_LENGTH) {
      throw bad(shown, "it is longer than " + MAX_LENGTH + " characters");
    }
    if (hasControl(raw) || hasControl(url.getPath()) || hasControl(url.getQuery())
        || hasControl(url.getFragment())) {
      throw bad(shown, "it must not contain control characters");
    }
    String reserved = reservedParameter(url.getRawQuery());
    if (reserved != null) {
      throw bad(shown, "it already has a '" + reserved + "' parameter, which Tether appends itself; remove it "
          + "(a landing page would otherwise read a forged outcome)");
    }
    // A single-page app may read its parameters from the fragment (#status=… or #/route?status=…).
    String fragment = url.getRawFragment();
    if (fragment != null) {
      reserved = reservedParameter(fragment);
      int route = fragment.indexOf('?');
      if (reserved == null && route >= 0) {
        reserved = reservedParameter(fragment.substring(route + 1));
      }
    }
    if (reserved != null) {
      throw bad(shown, "its fragment has a '" + reserved + "' parameter, which a landing page reading the "
          + "fragment would take for Tether's outcome; remove it");
    }
    if (!anyOrigin && !allowedOrigins.contains(origin(url))) {
      throw bad(shown, "its origin " + origin(url) + " is not an allowed callback origin "
          + (allowedOrigins.isEmpty() ? "(none: the engine has no redirect URI or connect base URL)"
              : allowedOrigins.toString())
          + "; add it with Tether.builder().allowedCallbackOrigins(\"" + origin(url) + "\")");
    }
    return url;
  }

  /** The first reserved parameter name in a raw query, decoded, or null. */
  private static String reservedParameter(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name;
      try {
        name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        continue; // not a name the landing page could read either
      }
      if (RESERVED_PARAMETERS.contains(name)) {
        return name;
      }
    }
    return null;
  }

  /** {@code scheme://host[:port]} in lower case, default ports dropped. */
  static String origin(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443)
        || (scheme.equals("http") && port == 80);
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /**
   * The callback URL with its own query kept and {@code status} and {@code connected_account_id}
   * appended, before any fragment.
   */
  static URI append(URI callbackUrl, String status, String connectedAccountId) {
    String s = callbackUrl.toString();
    int hash = s.indexOf('#');
    String head = hash < 0 ? s : s.substring(0, hash);
    String fragment = hash < 0 ? "" : s.substring(hash);
    StringBuilder sb = new StringBuilder(s.length() + 64).append(head);
    if (head.indexOf('?') < 0) {
      sb.append('?');
    } else if (!head.endsWith("?") && !head.endsWith("&")) {
      sb.append('&');
    }
    sb.append("status=").append(encode(status))
        .append("&connected_account_id=").append(encode(connectedAccountId))
        .append(fragment);
    return URI.create(sb.toString());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static boolean hasControl(String s) {
    if (s == null) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The URL for an error message: whatever stands before an {@code @} in its authority (user info,
   * a password often) masked, at most 100 characters. Read from the text, not from {@link
   * URI#getRawUserInfo()}, which is null for an authority Java does not parse (a host with an
   * underscore) or an opaque URI, whose password would then be shown.
   */
  private static String shown(URI url) {
    String s = url.toString();
    int colon = s.indexOf(':');
    int start = s.startsWith("//") ? 2 : colon >= 0 && s.startsWith("//", colon + 1) ? colon + 3 : colon + 1;
    int end = s.length();
    for (char stop : new char[] {'/', '?', '#'}) {
      int i = s.indexOf(stop, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    int at = s.lastIndexOf('@', end - 1);
    if (at >= start) {
      s = s.substring(0, start) + "***" + s.substring(at);
    }
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }

  private static IllegalArgumentException bad(String shown, String why) {
    return new IllegalArgumentException("Invalid callbackUrl '" + shown + "': " + why);
  }
}

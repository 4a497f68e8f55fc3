package dev.tether.springboot;

import java.net.URI;

/** Where the endpoints are mapped: the configured path, else the path of the public URL, else a default. */
final class Paths {
  private Paths() {}

  /**
   * The servlet path to map.
   *
   * @param property the name of the {@code tether.web.*-path} property, for the message; null when
   *     the endpoint has none
   * @param configured its value, or null
   * @param urlProperty the name of the public URL's property, for the message
   * @param publicUrl the URL the engine hands out for this endpoint, or null
   * @param fallback the path when neither says
   * @return a path starting with {@code /} and without a trailing {@code /}
   * @throws IllegalStateException if the path holds characters a servlet path may not, naming the
   *     property it came from
   */
  static String of(String property, String configured, String urlProperty, URI publicUrl, String fallback) {
    boolean fromProperty = configured != null && !configured.isBlank();
    String path = fromProperty ? configured.strip()
        : publicUrl != null && publicUrl.getPath() != null && !publicUrl.getPath().isEmpty() && !publicUrl.getPath().equals("/")
            ? publicUrl.getPath() : fallback;
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")) {
      throw new IllegalStateException("Invalid " + (fromProperty ? property : "path of " + urlProperty) + ": '" + path
          + "' is not a servlet path; give a path such as " + fallback + (fromProperty || property == null ? "" : ", or set " + property));
    }
    return path;
  }
}

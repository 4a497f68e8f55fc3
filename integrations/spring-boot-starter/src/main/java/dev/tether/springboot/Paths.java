package dev.tether.springboot;

import java.net.URI;

/** Where the endpoints are mapped: the configured path, else the path of the public URL, else a default. */
final class Paths {
  private Paths() {}

  /**
   * The servlet path to map.
   *
   * @param configured the {@code tether.web.*-path} property, or null
   * @param publicUrl the URL the engine hands out for this endpoint, or null
   * @param fallback the path when neither says
   * @return a path starting with {@code /} and without a trailing {@code /}
   * @throws IllegalArgumentException if the configured path holds characters a path may not
   */
  static String of(String configured, URI publicUrl, String fallback) {
    String path = configured != null && !configured.isBlank() ? configured.strip()
        : publicUrl != null && publicUrl.getPath() != null && !publicUrl.getPath().isEmpty() && !publicUrl.getPath().equals("/")
            ? publicUrl.getPath() : fallback;
    if (!path.startsWith("/")) {
      path = "/" + path;
    }
    while (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (!path.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*")) {
      throw new IllegalArgumentException("Not a servlet path: '" + path + "'");
    }
    return path;
  }
}

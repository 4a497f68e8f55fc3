package dev.tether.springboot;

import java.util.Base64;

/** Decodes the store's keys from their properties; a message names the property, never the value. */
final class Keys {
  private Keys() {}

  /**
   * The key's bytes.
   *
   * @param property the property the value came from, for the message
   * @param base64 the value (standard or URL-safe base64)
   * @return the decoded bytes; the caller clears them once the store has copied them
   * @throws IllegalStateException if the value is missing or not base64
   */
  static byte[] decode(String property, String base64) {
    if (base64 == null || base64.isBlank()) {
      throw new IllegalStateException(property + " is not set");
    }
    String text = base64.strip();
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(property + " is not base64: give the 32-byte AES-256 key in base64, e.g. "
          + "from `openssl rand -base64 32`");
    }
  }
}

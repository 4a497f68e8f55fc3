package dev.tether.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A secret string (token, code, verifier, key) that never shows itself in {@link #toString()}.
 *
 * <p>Only {@link #reveal()} returns the value; call it at the point of use, never to log.
 * Equality is checked in constant time. Immutable and thread-safe.
 */
public final class Secret {
  private static final String REDACTED = "****";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps a non-empty secret value.
   *
   * @param value the secret; not null
   * @return a secret that prints as {@code ****}
   * @throws IllegalArgumentException if {@code value} is empty (the message never shows it)
   */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "secret value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("A secret must not be empty");
    }
    return new Secret(value);
  }

  /**
   * The secret value itself. Never log or print it.
   *
   * @return the non-empty value this secret wraps
   */
  public String reveal() {
    return value;
  }

  /**
   * Whether this secret equals {@code candidate}, compared in constant time.
   *
   * @param candidate the value to check, e.g. a state from a callback; may be null
   * @return true when the UTF-8 bytes are equal; false for null
   */
  public boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret && matches(((Secret) o).value);
  }

  @Override
  public int hashCode() {
    return value.length();
  }

  /** Always {@code ****}. */
  @Override
  public String toString() {
    return REDACTED;
  }
}

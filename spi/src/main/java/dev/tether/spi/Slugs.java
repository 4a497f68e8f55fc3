package dev.tether.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * Static helpers for toolkit slugs: lower case {@code [a-z0-9_]+}, at most {@value #MAX_LENGTH}
 * characters. Input is trimmed and lower-cased before lookup.
 *
 * <p>Thread-safe: stateless.
 */
public final class Slugs {
  /** The longest slug accepted. */
  public static final int MAX_LENGTH = 64;

  private Slugs() {}

  /**
   * Trims and lower-cases (in {@link Locale#ROOT}) a slug as typed by a user or an LLM. The
   * result is not necessarily {@linkplain #isValid valid}.
   *
   * @param raw the slug as typed; not null
   * @return {@code raw} stripped of surrounding white space and lower-cased
   * @throws NullPointerException if {@code raw} is null
   */
  public static String normalize(String raw) {
    Objects.requireNonNull(raw, "slug");
    return raw.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether {@code slug} is already a well-formed slug (no normalisation applied).
   *
   * @param slug the text to check; may be null
   * @return true for 1 to {@value #MAX_LENGTH} characters of {@code [a-z0-9_]}; false for null
   */
  public static boolean isValid(String slug) {
    if (slug == null || slug.isEmpty() || slug.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < slug.length(); i++) { // [a-z0-9_]: a loop, as every engine call checks a slug
      char c = slug.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns {@code slug} when well-formed.
   *
   * @param slug the slug to check; may be null (and is then rejected)
   * @return {@code slug}, unchanged
   * @throws IllegalArgumentException naming the bad value and the expected form
   */
  public static String requireValid(String slug) {
    if (!isValid(slug)) {
      throw new IllegalArgumentException(
          "Invalid toolkit slug '" + abbreviate(slug) + "': use 1 to " + MAX_LENGTH
              + " characters of lower-case a-z, 0-9 and '_', e.g. 'gmail' or 'one_drive'");
    }
    return slug;
  }

  /**
   * {@code value} cut to {@value #MAX_LENGTH} characters for an error message ("null" for null).
   *
   * @param value the text to show; may be null
   * @return {@code value} itself when short enough, else its first {@value #MAX_LENGTH} characters
   *     followed by an ellipsis
   */
  public static String abbreviate(String value) {
    if (value == null) {
      return "null";
    }
    return value.length() <= MAX_LENGTH ? value : value.substring(0, MAX_LENGTH) + "…";
  }
}

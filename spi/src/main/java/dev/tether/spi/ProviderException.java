package dev.tether.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A provider failure, classified for the engine: {@linkplain #isDefinitive() definitive} (the
 * grant is dead — e.g. {@code invalid_grant}; the engine fails or expires the account) or
 * transient (5xx, timeout, unreadable response; the account is left as it was and the caller may
 * retry).
 *
 * <p>The {@linkplain #errorCode() error code} is a short machine token ({@code invalid_grant},
 * {@code http_503}); the message says what happened and what to do. Neither may contain a secret:
 * never put a token, code, client secret or raw upstream body in either.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern CODE = Pattern.compile("[a-z0-9_.\\-]{1,64}");

  private final String errorCode;
  private final boolean definitive;

  private ProviderException(String errorCode, String message, boolean definitive, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.errorCode = sanitize(errorCode);
    this.definitive = definitive;
  }

  /** A failure that retrying cannot fix (revoked grant, bad client credentials, rejected code). */
  public static ProviderException definitive(String errorCode, String message) {
    return new ProviderException(errorCode, message, true, null);
  }

  /** A failure that a later retry may fix (upstream 5xx, timeout, unreadable response). */
  public static ProviderException transientFailure(String errorCode, String message) {
    return new ProviderException(errorCode, message, false, null);
  }

  /** As {@link #transientFailure(String, String)}, keeping the cause (which must hold no secret). */
  public static ProviderException transientFailure(String errorCode, String message, Throwable cause) {
    return new ProviderException(errorCode, message, false, cause);
  }

  /**
   * Reduces an upstream error code to a safe token: lower case {@code [a-z0-9_.-]}, at most 64
   * characters, else {@code provider_error}. Upstream codes are attacker-controlled input.
   */
  public static String sanitize(String errorCode) {
    if (errorCode == null) {
      return "provider_error";
    }
    String code = errorCode.strip().toLowerCase(java.util.Locale.ROOT);
    return CODE.matcher(code).matches() ? code : "provider_error";
  }

  /** A short machine-readable code, e.g. {@code invalid_grant}; never a secret. */
  public String errorCode() {
    return errorCode;
  }

  /** True when retrying cannot help; false for transient failures. */
  public boolean isDefinitive() {
    return definitive;
  }
}

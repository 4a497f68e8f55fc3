package dev.tether.spi;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A provider failure, classified for the engine: {@linkplain #isDefinitive() definitive} (the
 * grant is dead — e.g. {@code invalid_grant}; the engine fails or expires the account) or
 * transient (5xx, timeout, unreadable response; the account is left as it was and the caller may
 * retry). Definitive means retrying cannot help, so a status that asks for a later retry — 408,
 * 425, 429 — is transient too.
 *
 * <p>The {@linkplain #errorCode() error code} is a short machine token ({@code invalid_grant},
 * {@code http_503}); the message says what happened and what to do. Neither may contain a secret:
 * never put a token, code, client secret or raw upstream body in either.
 */
public final class ProviderException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final Pattern CODE = Pattern.compile("[a-z0-9_.\\-]{1,64}");

  /** The sanitised machine-readable code. */
  private final String errorCode;

  /** Whether retrying cannot help. */
  private final boolean definitive;

  private ProviderException(String errorCode, String message, boolean definitive, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.errorCode = sanitize(errorCode);
    this.definitive = definitive;
  }

  /**
   * A failure that retrying cannot fix (revoked grant, bad client credentials, rejected code).
   *
   * @param errorCode a short machine token, e.g. {@code invalid_grant}; {@linkplain #sanitize
   *     sanitised}, so an upstream's code may be passed as it came
   * @param message what happened and what to do; not null, and never holding a secret
   * @return the exception, for the caller to throw
   */
  public static ProviderException definitive(String errorCode, String message) {
    return new ProviderException(errorCode, message, true, null);
  }

  /**
   * A failure that a later retry may fix (upstream 5xx, timeout, unreadable response).
   *
   * @param errorCode a short machine token, e.g. {@code http_503}; {@linkplain #sanitize
   *     sanitised}
   * @param message what happened and what to do; not null, and never holding a secret
   * @return the exception, for the caller to throw
   */
  public static ProviderException transientFailure(String errorCode, String message) {
    return new ProviderException(errorCode, message, false, null);
  }

  /**
   * As {@link #transientFailure(String, String)}, keeping the cause (which must hold no secret).
   *
   * @param errorCode a short machine token, e.g. {@code timeout}; {@linkplain #sanitize sanitised}
   * @param message what happened and what to do; not null, and never holding a secret
   * @param cause the underlying failure, e.g. an {@code IOException}; may be null
   * @return the exception, for the caller to throw
   */
  public static ProviderException transientFailure(String errorCode, String message, Throwable cause) {
    return new ProviderException(errorCode, message, false, cause);
  }

  /**
   * Reduces an upstream error code to a safe token: lower case {@code [a-z0-9_.-]}, at most 64
   * characters, else {@code provider_error}. Upstream codes are attacker-controlled input.
   *
   * @param errorCode the code as received; may be null
   * @return the trimmed, lower-cased code when it is well-formed, else {@code provider_error}
   */
  public static String sanitize(String errorCode) {
    if (errorCode == null) {
      return "provider_error";
    }
    String code = errorCode.strip().toLowerCase(java.util.Locale.ROOT);
    return CODE.matcher(code).matches() ? code : "provider_error";
  }

  /**
   * A short machine-readable code, e.g. {@code invalid_grant}; never a secret.
   *
   * @return 1 to 64 characters of {@code [a-z0-9_.-]}
   */
  public String errorCode() {
    return errorCode;
  }

  /**
   * Whether retrying cannot help.
   *
   * @return true for a definitive failure (the engine fails or expires the account), false for a
   *     transient one (the account is left as it was)
   */
  public boolean isDefinitive() {
    return definitive;
  }
}

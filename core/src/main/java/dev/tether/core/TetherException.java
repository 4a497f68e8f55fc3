package dev.tether.core;

/**
 * Base class of the engine's failures that are not caller mistakes. Messages name the toolkit or
 * account concerned and what to do; they never contain a secret.
 */
public class TetherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message that says what happened and what to do.
   *
   * @param message names the toolkit or account and the fix; never a secret
   */
  public TetherException(String message) {
    super(message);
  }

  /**
   * As {@link #TetherException(String)}, with a cause that holds no secret.
   *
   * @param message names the toolkit or account and the fix; never a secret
   * @param cause the underlying failure; may be null
   */
  public TetherException(String message, Throwable cause) {
    super(message, cause);
  }
}

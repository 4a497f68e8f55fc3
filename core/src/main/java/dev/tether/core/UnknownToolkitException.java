package dev.tether.core;

/** No registered provider serves the requested toolkit. */
public final class UnknownToolkitException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The (normalised) slug that was asked for. */
  private final String toolkit;

  UnknownToolkitException(String toolkit, String message) {
    super(message);
    this.toolkit = toolkit;
  }

  /**
   * The (normalised) slug that was asked for.
   *
   * @return the slug, trimmed and lower-cased but not necessarily well-formed
   */
  public String toolkit() {
    return toolkit;
  }
}

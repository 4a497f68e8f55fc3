package dev.tether.core;

/** No registered provider serves the requested toolkit. */
public final class UnknownToolkitException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final String toolkit;

  UnknownToolkitException(String toolkit, String message) {
    super(message);
    this.toolkit = toolkit;
  }

  /** The (normalised) slug that was asked for. */
  public String toolkit() {
    return toolkit;
  }
}

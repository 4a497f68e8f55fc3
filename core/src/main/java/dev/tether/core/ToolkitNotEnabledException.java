package dev.tether.core;

/** The toolkit exists but the session's allow- or deny-list leaves it out. */
public final class ToolkitNotEnabledException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The slug that was asked for. */
  private final String toolkit;

  ToolkitNotEnabledException(String toolkit, String message) {
    super(message);
    this.toolkit = toolkit;
  }

  /**
   * The slug that was asked for.
   *
   * @return the normalised toolkit slug
   */
  public String toolkit() {
    return toolkit;
  }
}

package dev.tether.core;

/** The toolkit exists but the session's allow- or deny-list leaves it out. */
public final class ToolkitNotEnabledException extends TetherException {
  private static final long serialVersionUID = 1L;
  private final String toolkit;

  ToolkitNotEnabledException(String toolkit, String message) {
    super(message);
    this.toolkit = toolkit;
  }

  /** The slug that was asked for. */
  public String toolkit() {
    return toolkit;
  }
}

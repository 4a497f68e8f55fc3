package dev.tether.core;

/**
 * No connection could be started for a toolkit: no connect link could be built (its provider has
 * no OAuth client configured, the engine has no redirect URI), the session's room for the toolkit
 * is full, or {@code session.connect} found its provider unable to check the values now (the
 * message then says to retry later). Nothing was stored. Thread-safe (immutable).
 */
public final class LinkCreationException extends TetherException {
  private static final long serialVersionUID = 1L;
  /** The toolkit whose link failed. */
  private final String toolkit;

  LinkCreationException(String toolkit, String message) {
    super(message);
    this.toolkit = toolkit;
  }

  /**
   * The toolkit whose link failed.
   *
   * @return the normalised toolkit slug
   */
  public String toolkit() {
    return toolkit;
  }
}

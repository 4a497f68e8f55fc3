package dev.tether.core;

/**
 * No connect link could be built for a toolkit, e.g. because its provider has no OAuth client
 * configured or the engine has no redirect URI. Nothing was stored.
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

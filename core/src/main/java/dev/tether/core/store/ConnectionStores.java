package dev.tether.core.store;

/**
 * The stores that come with Tether.
 *
 * <p>Thread-safe: every store returned is.
 */
public final class ConnectionStores {
  private ConnectionStores() {}

  /**
   * A store in this JVM's memory: the default. Fast and small (about 430 bytes per connected
   * account), gone when the JVM stops. Several engines in one JVM may share it; they then behave
   * as application nodes sharing a database.
   *
   * @return a new, empty store
   */
  public static ConnectionStore inMemory() {
    return new InMemoryConnectionStore();
  }
}

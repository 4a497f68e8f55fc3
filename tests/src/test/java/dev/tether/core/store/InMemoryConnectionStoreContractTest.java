package dev.tether.core.store;

import dev.tether.testkit.ConnectionStoreContract;
import java.util.Optional;

/**
 * The store SPI's contract against the in-memory store, the default. Its second handle is the
 * store itself: engines in one JVM share the instance. Also proves the kit runs as a store author
 * uses it: a subclass in another package, picked up by Surefire's includes, run by both JUnit
 * Jupiter (the tests) and jqwik (the engine property).
 */
class InMemoryConnectionStoreContractTest extends ConnectionStoreContract {
  @Override
  protected ConnectionStore newStore() {
    return ConnectionStores.inMemory();
  }

  @Override
  protected Optional<ConnectionStore> secondHandle(ConnectionStore store) {
    return Optional.of(store);
  }
}

package dev.tether.store.postgres;

import dev.tether.core.store.ConnectionStore;
import dev.tether.testkit.ConnectionStoreContract;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.lifecycle.AfterTry;
import org.junit.jupiter.api.AfterEach;

/**
 * Every promise of the store SPI, as testkit's contract states it, on a real PostgreSQL: each test
 * (and each try of the engine property) gets a fresh schema; the second handle is a second store
 * on the same schema, as a second application node would open.
 */
class PostgresConnectionStoreContractTest extends ConnectionStoreContract {
  private final List<PostgresFixture> fixtures = new ArrayList<>();
  private final Map<ConnectionStore, PostgresFixture> fixtureOf = new IdentityHashMap<>();

  @Override
  protected ConnectionStore newStore() {
    PostgresFixture fixture = new PostgresFixture();
    fixtures.add(fixture);
    PostgresConnectionStore store = fixture.track(exact(fixture));
    fixtureOf.put(store, fixture);
    return store;
  }

  @Override
  protected Optional<ConnectionStore> secondHandle(ConnectionStore store) {
    PostgresFixture fixture = fixtureOf.get(store);
    return Optional.of(fixture.track(exact(fixture)));
  }

  /** The contract checks session uses exactly; by default the store writes one per minute. */
  private static PostgresConnectionStore exact(PostgresFixture fixture) {
    return fixture.builder(fixture.pool(4)).sessionTouchInterval(java.time.Duration.ZERO).build();
  }

  @AfterEach
  @AfterTry
  void closeFixtures() throws Exception {
    for (PostgresFixture f : fixtures) {
      f.close();
    }
    fixtures.clear();
    fixtureOf.clear();
  }
}

package dev.tether.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.core.ToolkitPage;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How many statements (each one round trip, in auto-commit) the engine's hot operations cost on this
 * store; printed for the record, and bounded where the store alone decides.
 */
class RoundTripsTest {
  private final PostgresFixture db = new PostgresFixture();

  @AfterEach
  void stop() throws Exception {
    db.close();
  }

  @Test
  void hotOperations_costFewRoundTrips() throws Exception {
    CountingDataSource counted = new CountingDataSource(db.pool(8));
    PostgresConnectionStore store = db.track(db.builder(counted).listenerDataSource(db.server.dataSource()).build());
    FakeToolkitProvider.Builder toolkits = FakeToolkitProvider.builder();
    String[] slugs = new String[10];
    for (int i = 0; i < 10; i++) {
      slugs[i] = "app" + i;
      toolkits.oauth2(slugs[i], "App " + i);
    }
    TestClock clock = TestClock.standing();
    Tether tether = Tether.builder().redirectUri(URI.create("https://app.example.com/cb")).clock(clock)
        .discoverProviders(false).provider(toolkits.build()).store(store).build();
    PostgresConnectionStoreTest.awaitListening(store);
    Session session = tether.createSession("alice");
    tether.cleanUp(); // maintenance ran: it is not what is measured

    counted.reset();
    ConnectionRequest request = session.authorize("app0");
    int link = counted.statements();

    counted.reset();
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "code-1")).successful())
        .isTrue();
    int callback = counted.statements();
    System.out.println("Callback completion: " + counted.sql());

    for (int i = 1; i < 10; i++) {
      tether.handleCallback(FakeToolkitProvider.approve(session.authorize(slugs[i]).redirectUrl(), "code-" + i));
    }
    session.toolkits(); // warms the near cache
    counted.reset();
    ToolkitPage page = session.toolkits();
    int warmCheck = counted.statements();
    assertThat(page.items()).allSatisfy(t -> assertThat(t.connection().orElseThrow().isActive()).isTrue());

    System.out.printf("Round trips: link creation %d, callback completion %d (plus the exchange), "
        + "10-toolkit check on a warm node %d%n", link, callback, warmCheck);
    assertThat(link).isLessThanOrEqualTo(2);
    assertThat(callback).as("read the flow, claim it, commit the account with the flow's outcome").isLessThanOrEqualTo(3);
    assertThat(warmCheck).isZero();
  }
}

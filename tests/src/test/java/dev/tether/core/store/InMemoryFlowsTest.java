package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionStatus;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.Secret;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The in-memory flows' sweep removes a flow by the queue entry it was put with: a flow put again
 * under its key is judged by its own time, never by the entry of the flow it replaced.
 */
class InMemoryFlowsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final InMemoryFlows flows = new InMemoryFlows();

  private static StoredFlow flow(String key, long expiresInSeconds) {
    return new StoredFlow(key, "ca_" + key, "user", "gmail", Secret.of(key + ".state"), Secret.of("verifier-" + key),
        URI.create("https://app.example/callback"), Optional.empty(), Optional.empty(), List.of(),
        T0.plusSeconds(expiresInSeconds), true);
  }

  private static CallbackResult outcome(String key) {
    return new CallbackResult(true, Optional.of("ca_" + key), Optional.of(ConnectionStatus.ACTIVE), Optional.empty(),
        Optional.empty());
  }

  @Test
  void put_againLater_outlivesItsFirstTime_keepsItsClaim_andGoesOnceAtItsOwn() {
    flows.put(flow("k", 60));
    assertThat(flows.claim("k", "c1", T0, T0.plusSeconds(600)).kind()).isEqualTo(FlowClaim.Kind.CLAIMED);
    flows.put(flow("k", 180));

    assertThat(flows.removeExpiredBy(T0.plusSeconds(120), 10)).as("the first time has passed").isEmpty();
    assertThat(flows.get("k")).map(StoredFlow::expiresAt).contains(T0.plusSeconds(180));
    assertThat(flows.claim("k", "c2", T0.plusSeconds(120), T0.plusSeconds(600)).kind())
        .as("the claim made before it was put again").isEqualTo(FlowClaim.Kind.BUSY);
    assertThat(flows.complete("k", "c1", outcome("k"))).isTrue();

    assertThat(flows.removeExpiredBy(T0.plusSeconds(180), 10)).containsExactly("k");
    assertThat(flows.get("k")).isEmpty();
    assertThat(flows.removeExpiredBy(T0.plusSeconds(600), 10)).as("each entry once").isEmpty();
  }

  @Test
  void put_againSooner_goesAtItsNewTime_andItsOldEntryRemovesNothing() {
    flows.put(flow("k", 180));
    flows.put(flow("k", 60));
    assertThat(flows.removeExpiredBy(T0.plusSeconds(60), 10)).containsExactly("k");

    flows.put(flow("k", 300)); // the key again, after its removal
    assertThat(flows.removeExpiredBy(T0.plusSeconds(200), 10)).as("the entry of 180 s is not this flow's").isEmpty();
    assertThat(flows.get("k")).isPresent();
    assertThat(flows.removeExpiredBy(T0.plusSeconds(300), 10)).containsExactly("k");
    assertThat(flows.size()).isZero();
  }

  @Test
  void attachLink_twice_keepsTheFirstLink_andTheFlowsTime() {
    flows.put(flow("k", 60));
    AuthorizationLink first = AuthorizationLink.of(URI.create("https://auth.example/1"));
    AuthorizationLink second = AuthorizationLink.of(URI.create("https://auth.example/2"));
    assertThat(flows.attachLink("k", first)).contains(first);
    assertThat(flows.attachLink("k", second)).as("a link is attached once").contains(first);
    assertThat(flows.attachLink("missing", first)).isEmpty();
    assertThat(flows.removeExpiredBy(T0.plusSeconds(60), 10)).containsExactly("k");
  }

  private static final int KEYS = 200_000;

  /** Runs {@code write} on one thread while another sweeps at {@code sweepAt} until it is done. */
  private void whileSweeping(Instant sweepAt, Runnable write) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> sweeper = pool.submit(() -> {
        start.await();
        while (writing.get()) {
          flows.removeExpiredBy(sweepAt, 64);
        }
        return null;
      });
      Future<?> writer = pool.submit(() -> {
        start.await();
        write.run();
        return null;
      });
      start.countDown();
      writer.get(60, TimeUnit.SECONDS);
      writing.set(false);
      sweeper.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    flows.removeExpiredBy(sweepAt, KEYS); // what the sweep had not reached
  }

  @Test
  void removeExpiredBy_racingPutsAgain_neverRemovesAFlowBeforeItsNewTime() throws Exception {
    whileSweeping(T0.plusSeconds(120), () -> { // due: a key's first flow, until it is put again
      for (int i = 0; i < KEYS; i++) {
        flows.put(flow("k" + i, 60));
        flows.put(flow("k" + i, 600)); // cancels the first entry, which the sweep may be reading
      }
    });
    assertThat(flows.size()).as("flows put again, left after a sweep before their new time").isEqualTo(KEYS);
    assertThat(flows.removeExpiredBy(T0.plusSeconds(600), KEYS * 2)).hasSize(KEYS);
  }

  @Test
  void removeExpiredBy_racingPutsOfDueFlows_missesNone() throws Exception {
    whileSweeping(T0.plusSeconds(120), () -> {
      for (int i = 0; i < KEYS; i++) {
        flows.put(flow("k" + i, 60)); // due already: a sweep that meets its entry must find it in the map
      }
    });
    assertThat(flows.size()).as("due flows the sweeps never removed").isZero();
  }
}

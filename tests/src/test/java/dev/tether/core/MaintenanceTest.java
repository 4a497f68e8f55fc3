package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When maintenance slices run: at most once per pace on callers, never two at once, only on the
 * host's scheduler once it is given one, and again at once after a failed one. Each slice is
 * counted where it starts, the store's sweep of expired links.
 */
class MaintenanceTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  /** A thread per task: the common pool may have one thread on a small machine. */
  private static final Executor NEW_THREAD = task -> new Thread(task).start();

  private final ConnectionStore real = ConnectionStores.inMemory();
  private final AtomicInteger slices = new AtomicInteger();
  /** Runs at the start of each slice, on the slice's thread. */
  private volatile Runnable onSlice = () -> { };
  private final Maintenance maintenance = maintenance(counting());

  @Test
  void callers_runASliceAtMostOncePerPace() {
    assertThat(maintenance.onUse(T0)).isTrue();
    assertThat(maintenance.onUse(T0.plus(Maintenance.PACE).minusMillis(1))).isFalse();
    assertThat(slices).hasValue(1);

    assertThat(maintenance.onUse(T0.plus(Maintenance.PACE))).isTrue();
    assertThat(slices).hasValue(2);
  }

  @Test
  void aRunningSlice_isJoinedNeitherByCallersNorByTheScheduler() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> first = sliceHeldUntil(release);

    assertThat(maintenance.onUse(T0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(maintenance.runSlice(T0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(slices).hasValue(1);

    release.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(maintenance.onUse(T0.plus(Maintenance.PACE))).isTrue();
    assertThat(slices).hasValue(2);
  }

  @Test
  void cleanUp_waitsForARunningSliceThenRunsAndSetsThePace() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> first = sliceHeldUntil(release);
    Instant later = T0.plusSeconds(30);
    CompletableFuture<Void> cleanUp = CompletableFuture.runAsync(() -> maintenance.cleanUp(later), NEW_THREAD);

    // While the slice is held, cleanUp cannot have finished (it can only finish early if it stopped waiting).
    assertThatThrownBy(() -> cleanUp.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
    assertThat(slices).hasValue(1);
    release.countDown();
    cleanUp.get(10, TimeUnit.SECONDS);
    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(slices).hasValue(2);
    assertThat(maintenance.onUse(later.plus(Maintenance.PACE).minusMillis(1))).isFalse();
    assertThat(maintenance.onUse(later.plus(Maintenance.PACE))).isTrue();
  }

  @Test
  void leftToTheScheduler_callersRunNone_theSchedulerRunsThem() {
    maintenance.leaveToScheduler();

    assertThat(maintenance.onUse(T0)).isFalse();
    assertThat(maintenance.onUse(T0.plus(Duration.ofHours(1)))).isFalse();
    assertThat(slices).hasValue(0);

    assertThat(maintenance.runSlice(T0)).isFalse(); // nothing was due: no more waiting
    assertThat(maintenance.runSlice(T0)).isFalse(); // the scheduler is not paced
    assertThat(slices).hasValue(2);
    assertThat(maintenance.onUse(T0.plus(Duration.ofHours(2)))).isFalse();
    assertThat(slices).hasValue(2);
  }

  @Test
  void aFailedSlice_isRetriedByTheNextCaller() {
    onSlice = () -> {
      onSlice = () -> { };
      throw new IllegalStateException("store unavailable");
    };
    assertThat(maintenance.onUse(T0)).isTrue(); // ran, failed, logged

    assertThat(maintenance.onUse(T0.plusMillis(1))).isTrue(); // not paced: the failed one did nothing
    assertThat(slices).hasValue(2);
    assertThat(maintenance.onUse(T0.plusMillis(2))).isFalse(); // the one that worked set the pace
  }

  /** A caller's slice at {@link #T0} on a thread of its own, started and held until {@code release}. */
  private CompletableFuture<Boolean> sliceHeldUntil(CountDownLatch release) throws InterruptedException {
    CountDownLatch inSlice = new CountDownLatch(1);
    onSlice = () -> {
      inSlice.countDown();
      await(release);
    };
    CompletableFuture<Boolean> slice = CompletableFuture.supplyAsync(() -> maintenance.onUse(T0), NEW_THREAD);
    assertThat(inSlice.await(10, TimeUnit.SECONDS)).isTrue();
    onSlice = () -> { };
    return slice;
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the test never released the slice");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The in-memory store, counting each sweep of expired links and running {@link #onSlice} first. */
  private ConnectionStore counting() {
    return (ConnectionStore) Proxy.newProxyInstance(ConnectionStore.class.getClassLoader(),
        new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("linksExpiredBy")) {
            slices.incrementAndGet();
            onSlice.run();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static Maintenance maintenance(ConnectionStore store) {
    EngineConfig config = new EngineConfig(Clock.fixed(T0, ZoneOffset.UTC), Duration.ofMinutes(10),
        Duration.ofDays(1), Duration.ofMinutes(5), null, null, null, new CallbackUrls(Set.of(), false));
    return new Maintenance(config, store, new SlotTransaction(store));
  }
}

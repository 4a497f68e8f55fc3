package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.store.ExpiryQueue.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ExpiryQueueTest {
  private static final long S = 1_000_000_000L;
  private final ExpiryQueue queue = new ExpiryQueue();
  private final Set<String> gone = ConcurrentHashMap.newKeySet();
  private final ExpiryQueue.Judge judge = (k, e) -> gone.contains(k) ? State.GONE : State.DUE;

  /** Queues a plain entry, as the stores queue their own (a pending link's account, a flow). */
  private ExpiryEntry add(String key, long at) {
    ExpiryEntry entry = new ExpiryEntry(key, at);
    queue.add(entry);
    return entry;
  }

  private List<String> sweep(long at, int limit) {
    List<String> out = new ArrayList<>();
    queue.sweep(at, limit, judge, out::add);
    return out;
  }

  @Test
  void inOrderKeys_dueOnesEarliestFirst_withinTheLimit_keptUntilGone() {
    for (int i = 1; i <= 5; i++) {
      add("k" + i, i * 60 * S);
    }
    assertThat(sweep(59 * S, 10)).isEmpty();
    assertThat(sweep(120 * S, 10)).containsExactly("k1", "k2");
    assertThat(sweep(300 * S, 3)).containsExactly("k1", "k2", "k3");
    gone.addAll(List.of("k1", "k2"));
    assertThat(sweep(300 * S, 10)).containsExactly("k3", "k4", "k5");
    assertThat(queue.size()).isEqualTo(3);
  }

  @Test
  void aKeyFarEarlierThanTheLatest_isStillFound_inTimeOrderWithTheOthers() {
    add("hour", 3600 * S);
    add("minute", 60 * S); // a shorter time to live than the key before it
    add("two_hours", 7200 * S);
    add("ten_minutes", 600 * S);
    assertThat(sweep(30 * S, 10)).isEmpty();
    assertThat(sweep(700 * S, 10)).containsExactly("minute", "ten_minutes");
    assertThat(sweep(8000 * S, 10)).containsExactly("minute", "ten_minutes", "hour", "two_hours");
    assertThat(sweep(8000 * S, 2)).containsExactly("minute", "ten_minutes");
    gone.addAll(List.of("minute", "ten_minutes", "hour", "two_hours"));
    assertThat(sweep(8000 * S, 10)).isEmpty();
    assertThat(queue.size()).isZero();
  }

  @Test
  void keysSlightlyOutOfOrder_areReportedAtTheirOwnTime_notLate_inTheOrderTheyCame() {
    add("later", 100 * S + S / 2);
    add("earlier", 100 * S); // within the slack: queued behind "later"
    assertThat(sweep(100 * S, 10)).containsExactly("earlier");
    assertThat(sweep(100 * S + S / 2, 10)).containsExactly("later", "earlier");
  }

  @Test
  void aKeyWhoseSubjectExpiresLater_isKept_andOnlyGoneOnesAreDropped() {
    add("moved", 60 * S);
    add("deleted", 61 * S);
    gone.add("deleted");
    List<String> out = new ArrayList<>();
    queue.sweep(120 * S, 10, (k, e) -> k.equals("moved") ? State.LATER : judge.judge(k, e), out::add);
    assertThat(out).isEmpty();
    assertThat(queue.size()).isEqualTo(1);
    assertThat(sweep(120 * S, 10)).containsExactly("moved");
  }

  @Test
  void aCancelledKey_isDroppedAtItsTime_withoutAskingTheJudge() {
    ExpiryEntry cancelled = add("cancelled", 60 * S);
    add("kept", 61 * S);
    ExpiryEntry straggler = add("straggler", 30 * S); // far earlier: the stragglers' map
    cancelled.cancel();
    straggler.cancel();
    List<String> asked = new ArrayList<>();
    ExpiryQueue.Judge asking = (k, e) -> {
      asked.add(k);
      return judge.judge(k, e);
    };
    assertThat(queue.sweep(20 * S, 10, asking, k -> { })).isZero();
    assertThat(queue.size()).as("kept until its time").isEqualTo(3);
    List<String> out = new ArrayList<>();
    queue.sweep(120 * S, 10, asking, out::add);
    assertThat(asked).containsExactly("kept");
    assertThat(out).containsExactly("kept");
    assertThat(queue.size()).isEqualTo(1);
  }

  @Test
  void aKeyTheJudgeTakes_isReportedOnce_andDropped() {
    add("taken", 60 * S);
    add("later", 600 * S);
    List<String> out = new ArrayList<>();
    assertThat(queue.sweep(120 * S, 10, (k, e) -> State.TAKEN, out::add)).isEqualTo(1);
    assertThat(queue.sweep(120 * S, 10, (k, e) -> State.TAKEN, out::add)).isZero();
    assertThat(out).containsExactly("taken");
    assertThat(queue.size()).isEqualTo(1);
  }

  /** Each thread adds to its own lane; a sweep merges them all, earliest first. */
  @Test
  void keysAddedOnSeveralThreads_areSweptEarliestFirst() throws Exception {
    int lanes = Math.min(ExpiryQueue.LANES, 3);
    List<Thread> threads = new ArrayList<>();
    Set<Long> used = new java.util.HashSet<>();
    while (threads.size() < lanes) {
      int t = threads.size();
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 3; i++) {
          long minute = t + 1 + i * lanes;
          add("m" + minute, minute * 60 * S);
        }
      });
      if (used.add(thread.getId() & (ExpiryQueue.LANES - 1))) {
        threads.add(thread);
      }
    }
    for (Thread thread : threads) { // one after another: the first thread's keys are all queued first
      thread.start();
      thread.join(10_000);
      assertThat(thread.isAlive()).as("adder done").isFalse();
    }
    List<String> expected = new ArrayList<>();
    for (int minute = 1; minute <= 3 * lanes; minute++) {
      expected.add("m" + minute);
    }
    assertThat(sweep(Long.MAX_VALUE, 100)).containsExactlyElementsOf(expected);
    assertThat(sweep(2 * 60 * S, 100)).containsExactly("m1", "m2");
  }

  /**
   * Adders that cancel some of their keys race a sweeper that sees half of them due: every key not
   * cancelled is reported, and none cancelled before it came due.
   */
  @Test
  void racingAddsCancelsAndSweeps_reportEveryLiveKey_andNoCancelledOne() throws Exception {
    int adders = 4;
    int perAdder = 10_000;
    long raceTime = (perAdder / 2 + 1000L) * S / 10;
    Set<String> cancelled = ConcurrentHashMap.newKeySet();
    Set<String> cancelledBeforeDue = ConcurrentHashMap.newKeySet();
    List<Runnable> bodies = new ArrayList<>();
    for (int t = 0; t < adders; t++) {
      int id = t;
      bodies.add(() -> {
        for (int i = 0; i < perAdder; i++) {
          long at = (i + 1000L) * S / 10;
          ExpiryEntry e = add(id + ":" + i, at);
          if (i % 3 == 0) {
            cancelled.add(id + ":" + i);
            if (at > raceTime) {
              cancelledBeforeDue.add(id + ":" + i); // no racing sweep sees it due, the drain comes later
            }
            e.cancel();
          }
        }
      });
    }
    Set<String> reported = raceWithSweepers(bodies, 1, raceTime);
    assertThat(cancelledBeforeDue).isNotEmpty().doesNotContainAnyElementsOf(reported);
    Set<String> live = new java.util.HashSet<>();
    for (int t = 0; t < adders; t++) {
      for (int i = 0; i < perAdder; i++) {
        live.add(t + ":" + i);
      }
    }
    live.removeAll(cancelled);
    assertThat(reported).as("every live key reported").containsAll(live);
  }

  /**
   * A sweep that takes every key as it comes keeps unlinking the lane's last entry while one thread
   * appends after it: every key is reported exactly once (an append racing the unlinking of the
   * tail it links to is not lost).
   */
  @Test
  void aSweepUnlinkingTheTail_losesNoKeyAppendedMeanwhile() throws Exception {
    int n = 200_000;
    AtomicIntegerArray seen = new AtomicIntegerArray(n);
    Consumer<String> report = k -> seen.incrementAndGet(Integer.parseInt(k));
    AtomicBoolean adding = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> adder = pool.submit(() -> {
        for (int i = 0; i < n; i++) {
          add(Integer.toString(i), i);
          for (int spin = 0; spin < 32; spin++) {
            Thread.onSpinWait(); // a little slower than the sweep, so that it keeps reaching the tail
          }
        }
        adding.set(false);
      });
      Future<?> sweeper = pool.submit(() -> {
        while (adding.get()) {
          queue.sweep(Long.MAX_VALUE, 1024, (k, e) -> State.TAKEN, report);
        }
      });
      adder.get(60, TimeUnit.SECONDS);
      sweeper.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    queue.sweep(Long.MAX_VALUE, n, (k, e) -> State.TAKEN, report);
    List<Integer> notOnce = new ArrayList<>();
    for (int i = 0; i < n && notOnce.size() < 10; i++) {
      if (seen.get(i) != 1) {
        notOnce.add(i);
      }
    }
    assertThat(notOnce).as("keys not reported exactly once").isEmpty();
    assertThat(queue.size()).isZero();
  }

  /**
   * Adders in and out of order race two sweeping threads (which take turns: one sweep at a time):
   * every key is reported, and once gone, dropped.
   */
  @Test
  void racingAddsAndSweeps_loseNoKey() throws Exception {
    int adders = 4;
    int perAdder = 20_000;
    List<Runnable> bodies = new ArrayList<>();
    for (int t = 0; t < adders; t++) {
      int id = t;
      bodies.add(() -> {
        SplittableRandom random = new SplittableRandom(id);
        for (int i = 0; i < perAdder; i++) {
          // mostly rising times, a fifth of them far earlier (another time to live)
          long at = (i + 1000L) * S / 10 - (random.nextInt(5) == 0 ? random.nextLong(500 * S) : random.nextLong(S / 2));
          add(id + ":" + i, at);
        }
      });
    }
    assertThat(raceWithSweepers(bodies, 2, Long.MAX_VALUE).size()).as("keys reported").isEqualTo(adders * perAdder);
  }

  /**
   * Runs the adders against {@code sweepers} threads sweeping what is due at {@code sweepAt}, then
   * drains everything; checks that every key gone is dropped.
   *
   * @return every key a sweep reported (and marked gone)
   */
  private Set<String> raceWithSweepers(List<Runnable> adders, int sweepers, long sweepAt) throws Exception {
    Set<String> reported = ConcurrentHashMap.newKeySet();
    Consumer<String> report = k -> {
      reported.add(k);
      gone.add(k);
    };
    ExecutorService pool = Executors.newFixedThreadPool(adders.size() + sweepers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (Runnable adder : adders) {
        done.add(pool.submit(() -> {
          start.await();
          adder.run();
          return null;
        }));
      }
      for (int t = 0; t < sweepers; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < 2_000; round++) {
            queue.sweep(sweepAt, 64, judge, report);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    while (queue.sweep(Long.MAX_VALUE, 1024, judge, report) > 0) {
      // drain what the racers left
    }
    queue.sweep(Long.MAX_VALUE, 1, judge, k -> { });
    assertThat(queue.size()).as("every gone key dropped").isZero();
    return reported;
  }
}

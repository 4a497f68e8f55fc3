package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionStatus;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store's queue of pending links, whose entries commits cancel, raced against
 * sweeps: whatever the interleaving, every link still pending afterwards is found, once.
 */
class InMemoryConnectionStoreRaceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private final ConnectionStore store = ConnectionStores.inMemory();
  private final AtomicLong ids = new AtomicLong();

  /**
   * Two threads use one session, each at later and later times, interleaved (one at even
   * milliseconds, the other at odd ones), so both keep writing: a use must never undo a later one
   * (after {@code touchSession(at)} the session's last use is at least {@code at}), or an idle
   * sweep could drop a session in use.
   */
  @RepeatedTest(5) // each run catches the undone use of a racy check-then-write about two times in three
  void touchSession_racingUses_neverUndoALaterOne() throws Exception {
    store.putSession(new StoredSession("trs_1", "alice", dev.tether.core.SessionOptions.defaults(), T0, T0,
        dev.tether.spi.Secret.of("bearer")));
    int uses = 1_000_000;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> undone = new ArrayList<>();
    try {
      for (int odd : new int[] {0, 1}) {
        undone.add(pool.submit(() -> {
          start.await();
          long seen = 0;
          for (int i = 1; i <= uses; i++) {
            Instant at = T0.plusMillis(2L * i + odd);
            store.touchSession("trs_1", at);
            if (store.session("trs_1").orElseThrow().lastUsedAt().isBefore(at)) {
              seen++;
            }
          }
          return seen;
        }));
      }
      start.countDown();
      for (Future<Long> f : undone) {
        assertThat(f.get(60, TimeUnit.SECONDS)).as("uses undone by an older one").isZero();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.session("trs_1").orElseThrow().lastUsedAt()).isEqualTo(T0.plusMillis(2L * uses + 1));
  }

  @Test
  void commitsThatConnectRelinkChangeAndDelete_raceSweeps_andEveryPendingLinkIsStillFound() throws Exception {
    int writers = 4;
    int usersEach = 50;
    int changesEach = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int w = 0; w < writers; w++) {
        int writer = w;
        done.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(writer);
          start.await();
          for (int i = 0; i < changesEach; i++) {
            change("user_" + writer + "_" + random.nextInt(usersEach), random);
          }
          return null;
        }));
      }
      Future<?> sweeper = pool.submit(() -> {
        start.await();
        while (writing.get()) {
          store.linksExpiredBy(T0.plusSeconds(300), 64); // reports half the links; drops dead entries
        }
        return null;
      });
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      sweeper.get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    Set<String> pending = new HashSet<>();
    for (StoredAccount a : store.allAccounts()) {
      if (a.status() == ConnectionStatus.INITIATED && a.link().isPresent()) {
        pending.add(a.id());
      }
    }
    List<String> found = new ArrayList<>();
    for (StoredAccount a : store.linksExpiredBy(T0.plusSeconds(3600), Integer.MAX_VALUE)) {
      found.add(a.id());
    }
    assertThat(pending).as("the race left links pending").isNotEmpty();
    assertThat(found).as("each pending link once").doesNotHaveDuplicates();
    assertThat(new HashSet<>(found)).isEqualTo(pending);
  }

  /** One random change to a user's gmail slot, as the engine would commit it. */
  private void change(String user, SplittableRandom random) {
    Slot read = store.slot(user, "gmail");
    StoredAccount current = read.accounts().isEmpty() ? null : read.accounts().get(read.accounts().size() - 1);
    List<StoredAccount> put = new ArrayList<>(1);
    List<String> remove = new ArrayList<>(1);
    int pick = random.nextInt(5);
    if (current == null || current.status() != ConnectionStatus.INITIATED) {
      if (current != null) {
        remove.add(current.id());
      }
      put.add(pending("ca_" + ids.incrementAndGet(), user, random));
    } else if (pick == 0) {
      put.add(StoredAccount.builder(current.id(), user, "gmail", ConnectionStatus.ACTIVE, current.createdAt())
          .connectedAt(T0).credentials(Credentials.builder(AuthScheme.OAUTH2).accessToken("at").build()).build());
    } else if (pick == 1) {
      put.add(pending(current.id(), user, random)); // a new link for the same account
    } else if (pick == 2) {
      put.add(current.toBuilder().updatedAt(T0.plusMillis(random.nextInt(1000))).build()); // same link
    } else if (pick == 3) {
      remove.add(current.id());
    } else {
      return; // leave it pending
    }
    assertThat(store.commit(new SlotCommit(read, put, remove, List.of(), List.of())))
        .as("only this thread writes this user").isTrue();
  }

  private static StoredAccount pending(String id, String user, SplittableRandom random) {
    return StoredAccount.builder(id, user, "gmail", ConnectionStatus.INITIATED, T0)
        .link("ln_" + id + "_" + random.nextInt(), T0.plusSeconds(1 + random.nextInt(600)),
            "https://auth.example/authorize?state=s-" + id)
        .build();
  }
}

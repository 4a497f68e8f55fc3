package dev.tether.benchmarks;

import dev.tether.core.AccountQuery;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * N pending links expiring at once: the cost per expiry (each announced as an EXPIRED status
 * change), and the longest pause a concurrent caller sees meanwhile. The caller checks one user's
 * connection to one toolkit in a loop on another thread. {@code ExpiryPause N}.
 *
 * <p>A full collection runs before the window, so the young survivors of filling the engine are not
 * charged to the expiry. Then, as a control, the same caller runs as long again while this thread
 * runs maintenance with nothing due: the longest pause it sees then is what this machine does to a
 * caller sharing its cores with a busy thread, whatever the engine does. Last, as long again, a
 * bare caller that only reads a {@code ConcurrentHashMap} while this thread spins, in the same heap
 * and with no engine call on either thread: the floor of this JVM on this machine.
 *
 * <p>Prints {@code expiry N expired ns-per-expiry worst-ms p99.9-ms calls longest-collection-ms
 * control-worst-ms control-p99.9-ms control-longest-collection-ms bare-worst-ms bare-p99.9-ms
 * bare-longest-collection-ms}: the longest collections that started in each window, as the JVM
 * announced them (whole milliseconds).
 *
 * <p>The suite runs it with a pre-touched heap on transparent huge pages (see BENCHMARKS.md,
 * eleventh round): on the benchmark VM every first touch of a 4 KB page costs the toucher, and with
 * 4 KB pages even the bare caller's floor is 30-80 ms.
 */
public final class ExpiryPause {
  /** Where the bare caller's reads go, so the JIT keeps them. */
  static volatile Object sink;

  private ExpiryPause() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    TestClock clock = TestClock.standing();
    FakeToolkitProvider provider = Populations.provider();
    Tether tether = Tether.builder().redirectUri(java.net.URI.create(Fixtures.REDIRECT_URI)).clock(clock)
        .sessionIdleTimeout(Duration.ofDays(1)).discoverProviders(false).provider(provider).build();
    Session caller = tether.createSession("caller");
    tether.handleCallback(FakeToolkitProvider.approve(caller.authorize("gmail").redirectUrl(), "c"));
    Populations.pending(tether, n);
    List<String> gmail = List.of("gmail");
    for (int i = 0; i < 200_000; i++) {
      caller.manageConnections(gmail, false); // warm the caller's path
    }
    clock.advance(Duration.ofMinutes(11));
    CollectorPauses pauses = new CollectorPauses();
    System.gc();
    long windowStart = CollectorPauses.uptime(); // after System.gc() returned: its collection is not counted
    pauses.align(windowStart);
    Caller during = new Caller(() -> caller.manageConnections(gmail, false));
    long t0 = System.nanoTime();
    tether.cleanUp();
    long elapsed = System.nanoTime() - t0;
    during.stop();
    long windowEnd = CollectorPauses.uptime();

    Caller control = new Caller(() -> caller.manageConnections(gmail, false));
    long c0 = System.nanoTime();
    while (System.nanoTime() - c0 < elapsed) {
      tether.cleanUp(); // nothing is due: a busy thread on the other core, no expiry
    }
    control.stop();
    long controlEnd = CollectorPauses.uptime();

    Map<Integer, Integer> map = new ConcurrentHashMap<>();
    for (int i = 0; i < 1024; i++) {
      map.put(i, i);
    }
    int[] next = {0};
    Caller bare = new Caller(() -> sink = map.get(next[0]++ & 1023)); // one thread writes next
    long b0 = System.nanoTime();
    long spins = 0;
    while (System.nanoTime() - b0 < elapsed) {
      spins++; // a busy thread that calls into no engine
    }
    bare.stop();
    sink = spins;
    long bareEnd = CollectorPauses.uptime();

    long expired = tether.accounts(AccountQuery.all().withStatus(ConnectionStatus.EXPIRED)).size();
    System.out.printf(Locale.ROOT, "expiry %d %d %.1f %.3f %.3f %d %d %.3f %.3f %d %.3f %.3f %d%n", n, expired,
        elapsed / (double) n, during.worst / 1e6, during.p999() / 1e6, during.calls,
        pauses.longestBetween(windowStart, windowEnd), control.worst / 1e6, control.p999() / 1e6,
        pauses.longestBetween(windowEnd, controlEnd), bare.worst / 1e6, bare.p999() / 1e6,
        pauses.longestBetween(controlEnd, bareEnd));
    pauses.close();
  }

  /**
   * The collections the JVM announces, by start time and duration (ms). A collection's start time
   * is counted from a different origin than {@link #uptime()} (with a pre-touched heap they differ
   * by the seconds the touching took), so the two clocks are aligned on the end of the full
   * collection before the window.
   */
  private static final class CollectorPauses implements NotificationListener {
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    /** {start, duration} of each announced collection, ms on the collections' clock. */
    private final List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
    /** When the latest {@code System.gc()} collection ended, on the collections' clock; -1 before one. */
    private volatile long requestedEnd = -1;
    /** Uptime minus the collections' clock. */
    private long offset;

    CollectorPauses() {
      for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
        NotificationEmitter emitter = (NotificationEmitter) bean;
        emitter.addNotificationListener(this, null, null);
        emitters.add(emitter);
      }
    }

    static long uptime() {
      return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
      if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
            (CompositeData) notification.getUserData());
        GcInfo gc = info.getGcInfo();
        seen.add(new long[] {gc.getStartTime(), gc.getDuration()});
        if (info.getGcCause().equals("System.gc()")) {
          requestedEnd = gc.getEndTime();
        }
      }
    }

    /**
     * Aligns the clocks: {@code uptimeAfter} was read as {@code System.gc()} returned, so its
     * collection ended then.
     */
    void align(long uptimeAfter) {
      long deadline = System.nanoTime() + 10_000_000_000L; // the announcement comes from another thread
      while (requestedEnd < 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the JVM announced no collection for System.gc() within 10 s");
        }
        Thread.onSpinWait();
      }
      offset = uptimeAfter - requestedEnd;
    }

    /** The longest collection that started in [from, to], ms of uptime; read after the JVM announced them. */
    long longestBetween(long from, long to) {
      synchronized (seen) {
        return seen.stream().filter(g -> g[0] + offset >= from && g[0] + offset <= to).mapToLong(g -> g[1]).max()
            .orElse(0);
      }
    }

    void close() throws ListenerNotFoundException {
      for (NotificationEmitter emitter : emitters) {
        emitter.removeNotificationListener(this);
      }
    }
  }

  /** A thread calling {@code call} in a loop, timing each call, until stopped. */
  private static final class Caller {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final long[] samples = new long[1 << 20];
    private final Thread thread;
    private long worst;
    private long calls;

    Caller(Runnable call) {
      thread = new Thread(() -> {
        while (running.get()) {
          long t0 = System.nanoTime();
          call.run();
          long d = System.nanoTime() - t0;
          worst = Math.max(worst, d);
          samples[(int) (calls++ & (samples.length - 1))] = d;
        }
      }, "concurrent-caller");
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join();
    }

    long p999() {
      long[] seen = Arrays.copyOf(samples, (int) Math.min(calls, samples.length));
      Arrays.sort(seen);
      return seen.length == 0 ? 0 : seen[(int) Math.min(seen.length - 1, Math.floor(seen.length * 0.999))];
    }
  }
}

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
 * bare caller that only reads a {@code ConcurrentHashMap} of pre-boxed keys while this thread spins,
 * in the same heap, with no engine call and no allocation on either thread: the floor of this JVM
 * on this machine when nothing allocates. The windows always run in this order; the bare one, last,
 * is the third caller through one call site, whose recompilation can only raise its figure.
 *
 * <p>Prints {@code expiry N expired ns-per-expiry worst-ms p99.9-ms calls longest-collection-ms
 * control-worst-ms control-p99.9-ms control-longest-collection-ms bare-worst-ms bare-p99.9-ms
 * bare-longest-collection-ms}: each p99.9 is of the caller's last 1,048,576 calls; the longest
 * collections are those that started in each window, as the JVM announced them (whole
 * milliseconds; G1 and Parallel only, which announce one notification per collection).
 *
 * <p>The suite runs it on a 6 GB heap, pre-touched, on transparent huge pages (BENCHMARKS.md,
 * eleventh round): on the benchmark VM, on 4 KB pages, threads stall for tens of milliseconds (the
 * bare caller 12-61 ms at 1M links), for a reason not traced. Pre-touching needs the 6 GB free.
 */
public final class ExpiryPause {
  /** Where the bare caller's reads go, so the JIT keeps them. */
  private static volatile Object sink;

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

    Integer[] keys = new Integer[1024]; // boxed once: the bare caller allocates nothing
    Map<Integer, Integer> map = new ConcurrentHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
      map.put(keys[i], i);
    }
    // Only the caller's thread touches next once started (start() happens-before), so a plain
    // array suffices.
    int[] next = {0};
    Caller bare = new Caller(() -> sink = map.get(keys[next[0]++ & 1023]));
    long b0 = System.nanoTime();
    long spins = 0;
    while (System.nanoTime() - b0 < elapsed) {
      spins++; // a busy thread that calls into no engine
    }
    bare.stop();
    sink = spins;
    long bareEnd = CollectorPauses.uptime();
    pauses.settle(); // every collection of the windows announced before they are read

    long expired = tether.accounts(AccountQuery.all().withStatus(ConnectionStatus.EXPIRED)).size();
    System.out.printf(Locale.ROOT, "expiry %d %d %.1f %.3f %.3f %d %d %.3f %.3f %d %.3f %.3f %d%n", n, expired,
        elapsed / (double) n, during.worst / 1e6, during.p999() / 1e6, during.calls,
        pauses.longestBetween(windowStart, windowEnd), control.worst / 1e6, control.p999() / 1e6,
        pauses.longestBetween(windowEnd, controlEnd), bare.worst / 1e6, bare.p999() / 1e6,
        pauses.longestBetween(controlEnd, bareEnd));
    pauses.close();
  }

  /**
   * The collections the JVM announces, by start time and duration (ms). A collection's times are
   * counted from the end of the JVM's start-up, {@link #uptime()} from its beginning (they differ by
   * the start-up time, pre-touching included), so the two clocks are aligned on the end of the
   * {@code System.gc()} collection before the windows. Assumes one notification per collection, as
   * G1 and Parallel send.
   */
  private static final class CollectorPauses implements NotificationListener {
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    /** {start, duration} of each announced collection, ms on the collections' clock. */
    private final List<long[]> seen = Collections.synchronizedList(new ArrayList<>());
    /** When the first {@code System.gc()} collection ended, on the collections' clock; -1 before. */
    private volatile long requestedEnd = -1;
    /** How many {@code System.gc()} collections were announced. */
    private volatile int requested;
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
          if (requestedEnd < 0) {
            requestedEnd = gc.getEndTime();
          }
          requested++; // one notifying thread
        }
      }
    }

    /**
     * Aligns the clocks: {@code uptimeAfter} was read just after the first {@code System.gc()}
     * returned, so its collection ended at most that read's delay earlier. Collections are placed
     * late by that delay, at most.
     */
    void align(long uptimeAfter) {
      awaitRequested(1);
      offset = uptimeAfter - requestedEnd;
    }

    /** Runs one more {@code System.gc()} and waits for its announcement, and so for all before it. */
    void settle() {
      int before = requested;
      System.gc();
      awaitRequested(before + 1);
    }

    private void awaitRequested(int count) {
      long deadline = System.nanoTime() + 10_000_000_000L; // announcements come from another thread
      while (requested < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the JVM announced no System.gc() collection within 10 s; run without "
              + "-XX:+DisableExplicitGC or -XX:+ExplicitGCInvokesConcurrent");
        }
        Thread.onSpinWait();
      }
    }

    /** The longest collection that started in [from, to), ms of uptime. */
    long longestBetween(long from, long to) {
      synchronized (seen) {
        return seen.stream().filter(g -> g[0] + offset >= from && g[0] + offset < to).mapToLong(g -> g[1]).max()
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

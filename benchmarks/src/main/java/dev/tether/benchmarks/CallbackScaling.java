package dev.tether.benchmarks;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;

/**
 * {@link CallbackBenchmark}'s operation, one thread and two threads in alternating windows of one
 * JVM: a diagnostic for the 2-thread scaling that this machine's drift (runs of one benchmark differ
 * by up to half between JVMs) hides from separate JMH runs. Each pair of neighbouring windows gives
 * one ratio, two-thread throughput over one-thread throughput, and a drift that slows both windows
 * of a pair alike cancels in it. Beside each pair, a control pair runs
 * {@link LinkGenerationBenchmark#floor}'s work, which shares nothing between threads: its ratio is
 * what the machine's two cores give at that moment (on a host that puts both on one physical core
 * it falls well below 2). {@code CallbackScaling [pairs] [window-ms]}; prints each pair and the
 * medians. JMH's {@code CallbackBenchmark} remains the measurement of record.
 */
public final class CallbackScaling {
  private static final int USERS = 4096;

  private CallbackScaling() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long windowNanos = (args.length > 1 ? Long.parseLong(args[1]) : 1000) * 1_000_000L;
    Tether tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI))
        .clock(new FastForwardClock(100_000)).sessionIdleTimeout(Duration.ofDays(3650))
        .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail")
            .recordRequests(false).build())
        .build();
    Runnable[] engine = {new Worker(tether, "a")::operation, new Worker(tether, "b")::operation};
    Runnable[] floor = {new Floor()::operation, new Floor()::operation};
    for (int i = 0; i < 10; i++) { // warm-up, not reported
      ratio(engine, windowNanos, i);
      ratio(floor, windowNanos, i);
    }
    double[] ratios = new double[pairs];
    double[] controls = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      ratios[i] = ratio(engine, windowNanos, i);
      controls[i] = ratio(floor, windowNanos, i);
      System.out.printf(Locale.ROOT, "pair %d: %s; control %s%n", i, last(engine), last(floor));
    }
    Arrays.sort(ratios);
    Arrays.sort(controls);
    System.out.printf(Locale.ROOT, "median ratio %.3f (quartiles %.3f, %.3f), control %.3f (%.3f, %.3f), %d pairs%n",
        ratios[pairs / 2], ratios[pairs / 4], ratios[3 * pairs / 4],
        controls[pairs / 2], controls[pairs / 4], controls[3 * pairs / 4], pairs);
    System.exit(0);
  }

  private static final java.util.Map<Runnable[], String> LAST = new java.util.IdentityHashMap<>();

  private static String last(Runnable[] work) {
    return LAST.get(work);
  }

  /**
   * One window at one thread and one at two, in an order that alternates with {@code i} so a drift
   * within a pair favours neither; two-thread throughput over one-thread throughput.
   */
  private static double ratio(Runnable[] work, long nanos, int i) throws Exception {
    double one;
    double two;
    if ((i & 1) == 0) {
      one = window(work, 1, nanos);
      two = window(work, 2, nanos);
    } else {
      two = window(work, 2, nanos);
      one = window(work, 1, nanos);
    }
    double ratio = 2 * one / two;
    LAST.put(work, String.format(Locale.ROOT, "1 thread %.0f ns/op, 2 threads %.0f ns/op, ratio %.2f", one, two, ratio));
    return ratio;
  }

  /** Runs {@code threads} workers for one window; the mean time per operation and thread (ns). */
  private static double window(Runnable[] work, int threads, long nanos) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    Thread[] running = new Thread[threads];
    long[] ops = new long[threads];
    long[] elapsed = new long[threads];
    for (int t = 0; t < threads; t++) {
      int slot = t;
      Runnable w = work[t];
      running[t] = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        long begin = System.nanoTime();
        long end = begin + nanos;
        long n = 0;
        long now;
        do {
          for (int k = 0; k < 64; k++) {
            w.run();
          }
          n += 64;
          now = System.nanoTime();
        } while (now < end);
        ops[slot] = n;
        elapsed[slot] = now - begin;
      });
      running[t].start();
    }
    double sum = 0;
    for (int t = 0; t < threads; t++) {
      running[t].join();
      sum += (double) elapsed[t] / ops[t];
    }
    return sum / threads;
  }

  /** {@link LinkGenerationBenchmark#floor}: two draws, a hash, base64 and a string; nothing shared. */
  private static final class Floor {
    final java.security.SecureRandom random = Fixtures.drbg();
    String last;

    void operation() {
      byte[] state = new byte[32];
      byte[] verifier = new byte[32];
      random.nextBytes(state);
      random.nextBytes(verifier);
      String v = Fixtures.URL_SAFE.encodeToString(verifier);
      last = Fixtures.AUTHORIZATION_URL + "?state=" + Fixtures.URL_SAFE.encodeToString(state)
          + "&code_challenge=" + Fixtures.s256(v);
    }
  }

  /** One thread's users, as in {@link CallbackBenchmark.Users}. */
  private static final class Worker {
    final Tether tether;
    final Session[] sessions = new Session[USERS];
    final String[] accounts = new String[USERS];
    int next;

    Worker(Tether tether, String name) {
      this.tether = tether;
      for (int i = 0; i < USERS; i++) {
        sessions[i] = tether.createSession("user_" + name + "_" + i);
      }
    }

    void operation() {
      int i = next++ & (USERS - 1);
      ConnectionRequest request = sessions[i].authorize("gmail");
      tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "code"));
      String replaced = accounts[i];
      if (replaced != null) {
        tether.delete(replaced);
      }
      accounts[i] = request.id();
    }
  }
}

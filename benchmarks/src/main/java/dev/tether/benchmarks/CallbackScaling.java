package dev.tether.benchmarks;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.security.SecureRandom;
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
 * it falls well below 2). {@code java -cp benchmarks/target/benchmarks.jar
 * dev.tether.benchmarks.CallbackScaling [pairs=40] [window-ms=1000]}; prints each pair and the
 * medians. JMH's {@code CallbackBenchmark} remains the measurement of record.
 */
public final class CallbackScaling {
  private static final int USERS = 4096;

  private CallbackScaling() {}

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    long windowMillis = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    if (pairs < 1 || windowMillis < 1) {
      throw new IllegalArgumentException("pairs and window-ms must be at least 1, were " + pairs + " and "
          + windowMillis);
    }
    long windowNanos = windowMillis * 1_000_000L;
    Tether tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI))
        .clock(new FastForwardClock(100_000)).sessionIdleTimeout(Duration.ofDays(3650))
        .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail")
            .recordRequests(false).build())
        .build();
    Runnable[] engine = {new Worker(tether, "a")::operation, new Worker(tether, "b")::operation};
    Runnable[] floor = {new Floor()::operation, new Floor()::operation};
    for (int i = 0; i < 10; i++) { // warm-up, not reported
      pair(engine, windowNanos, i);
      pair(floor, windowNanos, i);
    }
    double[] ratios = new double[pairs];
    double[] controls = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      Pair e = pair(engine, windowNanos, i);
      Pair c = pair(floor, windowNanos, i);
      ratios[i] = e.ratio();
      controls[i] = c.ratio();
      System.out.printf(Locale.ROOT, "pair %d: %s; control %s%n", i, e, c);
    }
    System.out.printf(Locale.ROOT, "median ratio %.3f, control %.3f, %d pairs%n", median(ratios), median(controls), pairs);
    System.exit(0);
  }

  /** One window at one thread and one at two: time per operation and thread (ns) in each. */
  private record Pair(double one, double two) {
    /** Two-thread throughput over one-thread throughput. */
    double ratio() {
      return 2 * one / two;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "1 thread %.0f ns/op, 2 threads %.0f ns/op, ratio %.3f", one, two, ratio());
    }
  }

  /** The two windows, in an order that alternates with {@code i} so a drift within a pair favours neither. */
  private static Pair pair(Runnable[] work, long nanos, int i) throws Exception {
    if ((i & 1) == 0) {
      double one = window(work, 1, nanos);
      return new Pair(one, window(work, 2, nanos));
    }
    double two = window(work, 2, nanos);
    return new Pair(window(work, 1, nanos), two);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
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
      if (ops[t] == 0) {
        throw new IllegalStateException("a worker stopped without finishing its window; see its stack trace above");
      }
      sum += (double) elapsed[t] / ops[t];
    }
    return sum / threads;
  }

  /** About {@link LinkGenerationBenchmark#floor}'s work (a shorter URL): two draws, a hash, base64, a string; nothing shared. */
  private static final class Floor {
    final SecureRandom random = Fixtures.drbg();
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

package dev.tether.benchmarks;

import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * N pending links expiring at once: the cost per expiry (each announced as an EXPIRED status
 * change), and the longest pause a concurrent caller sees meanwhile. The caller checks one user's
 * connection to one toolkit in a loop on another thread. {@code ExpiryPause N}.
 */
public final class ExpiryPause {
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

    AtomicBoolean running = new AtomicBoolean(true);
    long[] worst = new long[1];
    long[] calls = new long[1];
    long[] samples = new long[1 << 20];
    Thread checker = new Thread(() -> {
      while (running.get()) {
        long t0 = System.nanoTime();
        caller.manageConnections(gmail, false);
        long d = System.nanoTime() - t0;
        worst[0] = Math.max(worst[0], d);
        samples[(int) (calls[0]++ & (samples.length - 1))] = d;
      }
    }, "concurrent-caller");
    checker.start();
    long t0 = System.nanoTime();
    tether.cleanUp();
    long elapsed = System.nanoTime() - t0;
    running.set(false);
    checker.join();
    long[] seen = Arrays.copyOf(samples, (int) Math.min(calls[0], samples.length));
    Arrays.sort(seen);
    long p999 = seen.length == 0 ? 0 : seen[(int) Math.min(seen.length - 1, Math.floor(seen.length * 0.999))];
    long expired = tether.accounts(dev.tether.core.AccountQuery.all().withStatus(dev.tether.core.ConnectionStatus.EXPIRED)).size();
    System.out.printf("expiry %d %d %.1f %.3f %.3f %d%n", n, expired, elapsed / (double) n, worst[0] / 1e6, p999 / 1e6,
        calls[0]);
  }
}

package dev.tether.benchmarks;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A callback completing inside the engine, with an in-process provider (no network): state lookup,
 * single-claim, exchange, the INITIATED → ACTIVE transition, events and the redirect. Each
 * operation connects a new user (authorize, then the callback), so the pair is what is measured;
 * the link generation benchmark gives the authorize part alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallbackBenchmark {
  @State(Scope.Benchmark)
  public static class Engine {
    Tether tether;
    final AtomicLong users = new AtomicLong();

    @Setup(Level.Iteration)
    public void setUp() {
      tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI))
          .clock(new TickingClock(Duration.ofMillis(1))).sessionIdleTimeout(Duration.ofDays(3650))
          .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build())
          .build();
    }
  }

  @Benchmark
  public CallbackResult authorizeAndCallback(Engine e) {
    Session session = e.tether.createSession("user_" + e.users.incrementAndGet());
    ConnectionRequest request = session.authorize("gmail");
    return e.tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "code"));
  }
}

package dev.tether.benchmarks;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

    @Setup(Level.Iteration)
    public void setUp() {
      tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI))
          .clock(new FastForwardClock(1_000)).sessionIdleTimeout(Duration.ofDays(3650))
          .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail").build())
          .build();
    }
  }

  /** Each thread names its own new users (a shared counter would be a point of contention). */
  @State(Scope.Thread)
  public static class Users {
    final String prefix = "user_" + Thread.currentThread().getId() + "_";
    long next;
  }

  @Benchmark
  public CallbackResult authorizeAndCallback(Engine e, Users users) {
    Session session = e.tether.createSession(users.prefix + users.next++);
    ConnectionRequest request = session.authorize("gmail");
    return e.tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "code"));
  }
}

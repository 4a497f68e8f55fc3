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
 * operation (re)connects one of the thread's users — authorize, then the callback — and deletes the
 * account the new one replaced, so the population stays constant. (Connecting a new user each time
 * grew it by tens of thousands of accounts a second, and the figure measured the collector copying
 * them: a quarter of the time was GC.) The link generation benchmark gives the authorize part alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CallbackBenchmark {
  private static final int USERS = 4096;

  @State(Scope.Benchmark)
  public static class Engine {
    Tether tether;

    @Setup(Level.Iteration)
    public void setUp() {
      tether = Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI))
          .clock(new FastForwardClock(100_000)).sessionIdleTimeout(Duration.ofDays(3650))
          // Without recording: the fake keeps every request otherwise (~600 bytes live per operation,
          // tens of megabytes an iteration), and young collections copying that history took about a
          // tenth of the run and tripled the pauses; a real provider keeps nothing.
          .discoverProviders(false).provider(FakeToolkitProvider.builder().oauth2("gmail", "Gmail")
              .recordRequests(false).build())
          .build();
    }
  }

  /** Each thread's own users and the account each holds now. */
  @State(Scope.Thread)
  public static class Users {
    final Session[] sessions = new Session[USERS];
    final String[] accounts = new String[USERS];
    int next;

    @Setup(Level.Iteration)
    public void setUp(Engine e) {
      String prefix = "user_" + Thread.currentThread().getId() + "_";
      for (int i = 0; i < USERS; i++) {
        sessions[i] = e.tether.createSession(prefix + i);
        accounts[i] = null;
      }
    }
  }

  @Benchmark
  public CallbackResult authorizeAndCallback(Engine e, Users users) {
    int i = users.next++ & (USERS - 1);
    ConnectionRequest request = users.sessions[i].authorize("gmail");
    CallbackResult result = e.tether.handleCallback(FakeToolkitProvider.approve(request.redirectUrl(), "code"));
    String replaced = users.accounts[i];
    if (replaced != null) {
      e.tether.delete(replaced);
    }
    users.accounts[i] = request.id();
    return result;
  }
}

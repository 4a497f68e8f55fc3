package dev.tether.springboot;

import dev.tether.core.ConnectionCheck;
import dev.tether.core.ConnectionCheckRecorder;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionListener;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Tether's Micrometer meters, from the engine's events, its connection checks and the starter's
 * endpoints. Tags name the toolkit and the outcome, never a user, an account or anything secret.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@value #LINKS_ISSUED}</td><td>counter</td><td>toolkit</td><td>new pending links
 *       (accounts created INITIATED)</td></tr>
 *   <tr><td>{@value #LINKS_COMPLETED}</td><td>counter</td><td>toolkit, outcome = connected, failed,
 *       expired</td><td>pending links that ended</td></tr>
 *   <tr><td>{@value #REFRESHES}</td><td>counter</td><td>toolkit, outcome = success, failed</td>
 *       <td>token refreshes</td></tr>
 *   <tr><td>{@value #ACCOUNTS_EXPIRED}</td><td>counter</td><td>toolkit</td><td>connected accounts
 *       whose token died</td></tr>
 *   <tr><td>{@value #CALLBACKS}</td><td>timer</td><td>outcome = success, failed, rejected</td>
 *       <td>OAuth callbacks and their latency, token exchange included</td></tr>
 *   <tr><td>{@value #CONNECT_REQUESTS}</td><td>timer</td><td>action = open, submit; outcome =
 *       redirect, form, problems, continue, connected, failed, unavailable</td><td>connect-link
 *       requests and their latency</td></tr>
 *   <tr><td>{@value #CONNECTION_CHECKS}</td><td>timer</td><td>source = typed, manage_connections,
 *       search_tools, wait_for_connections; outcome = all_active, needs_connection, no_toolkits,
 *       refused</td><td>connection checks ("is this user connected to these toolkits?") and their
 *       latency; a wait's includes the wait</td></tr>
 *   <tr><td>{@value #CONNECTION_CHECK_TOOLKITS}</td><td>counter</td><td>toolkit; status = active,
 *       initiated, not_connected, inactive, expired, failed (toolkit and status {@code unknown} for
 *       a slug no provider serves)</td><td>toolkits looked at by connection checks</td></tr>
 * </table>
 *
 * <p>A check's outcome is {@code all_active} when every toolkit it named is active,
 * {@code needs_connection} when one is not (or is unknown), {@code no_toolkits} when a search
 * matched none, and {@code refused} when the request was refused before any toolkit was looked at.
 *
 * <p>Engine events are counted from {@link #listenTo(Tether)} (or {@link #attach(Tether)}) until
 * {@link #close()}; connection checks only when {@link #connectionChecks()} was given to the
 * engine's builder before it was built:
 *
 * <pre>{@code
 * TetherMetrics metrics = TetherMetrics.create();
 * Tether tether = Tether.builder().connectionCheckRecorder(metrics.connectionChecks())...build();
 * metrics.listenTo(tether);
 * }</pre>
 *
 * <p>Thread-safe. Bound to the application's registries by Spring Boot (it is a
 * {@link MeterBinder}).
 */
public final class TetherMetrics implements MeterBinder, AutoCloseable {
  /** Counter of new pending links. */
  public static final String LINKS_ISSUED = "tether.links.issued";
  /** Counter of pending links that ended, by outcome. */
  public static final String LINKS_COMPLETED = "tether.links.completed";
  /** Counter of token refreshes, by outcome. */
  public static final String REFRESHES = "tether.refreshes";
  /** Counter of connected accounts whose token died. */
  public static final String ACCOUNTS_EXPIRED = "tether.accounts.expired";
  /** Timer of OAuth callbacks, by outcome. */
  public static final String CALLBACKS = "tether.callbacks";
  /** Timer of connect-link requests, by action and outcome. */
  public static final String CONNECT_REQUESTS = "tether.connect.requests";
  /** Timer of connection checks, by source and outcome. */
  public static final String CONNECTION_CHECKS = "tether.connection.checks";
  /** Counter of toolkits looked at by connection checks, by toolkit and status. */
  public static final String CONNECTION_CHECK_TOOLKITS = "tether.connection.checks.toolkits";

  /** The toolkit and status tag of a slug no provider serves: bounded, and never what was typed. */
  private static final String UNKNOWN = "unknown";

  private final List<Bound> registries = new CopyOnWriteArrayList<>();
  private final ConnectionListener listener = this::onEvent;
  private final ConnectionCheckRecorder checks = this::onCheck;
  private volatile Tether tether;
  private volatile boolean closed;

  private TetherMetrics() {}

  /**
   * Meters listening to no engine yet: give {@link #connectionChecks()} to the engine's builder,
   * then {@link #listenTo(Tether)} the engine it builds.
   *
   * @return new meters
   */
  public static TetherMetrics create() {
    return new TetherMetrics();
  }

  /**
   * Meters for {@code tether}'s events, from now on; its connection checks are counted only if
   * its builder was given the {@link #connectionChecks()} of these meters, which it cannot have
   * been: use {@link #create()} for those.
   *
   * @param tether the engine; not null
   * @return the meters, listening to the engine until closed
   */
  public static TetherMetrics attach(Tether tether) {
    return create().listenTo(tether);
  }

  /**
   * Counts {@code tether}'s events from now on, until {@link #close()}.
   *
   * @param tether the engine; not null
   * @return these meters
   * @throws IllegalStateException if the meters already listen to an engine, or are closed
   */
  public synchronized TetherMetrics listenTo(Tether tether) {
    Objects.requireNonNull(tether, "tether");
    if (this.tether != null || closed) {
      throw new IllegalStateException(closed ? "These meters are closed" : "These meters already listen to "
          + this.tether);
    }
    this.tether = tether;
    tether.addListener(listener);
    return this;
  }

  /**
   * The recorder to give {@link Tether.Builder#connectionCheckRecorder} so that these meters time
   * the engine's connection checks; it records until {@link #close()}.
   *
   * @return the recorder; the same one on every call
   */
  public ConnectionCheckRecorder connectionChecks() {
    return checks;
  }

  /**
   * Records to {@code registry} from now on; Spring Boot calls it for the application's registry.
   *
   * @param registry a registry; not null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(new Bound(Objects.requireNonNull(registry, "registry"), new ConcurrentHashMap<>()));
  }

  /** Stops listening to the engine and recording its connection checks. */
  @Override
  public synchronized void close() {
    closed = true;
    if (tether != null) {
      tether.removeListener(listener);
    }
  }

  EndpointObserver endpoints() {
    return new EndpointObserver() {
      @Override
      public void callback(String outcome, long nanos) {
        time(CALLBACKS, "OAuth callbacks handled, token exchange included", Tags.of("outcome", outcome), nanos);
      }

      @Override
      public void connectLink(String action, String outcome, long nanos) {
        time(CONNECT_REQUESTS, "Connect-link requests (opened or submitted)",
            Tags.of("action", action, "outcome", outcome), nanos);
      }
    };
  }

  private void onEvent(ConnectionEvent e) {
    Tags toolkit = Tags.of("toolkit", e.toolkit());
    Optional<ConnectionStatus> from = e.previousStatus();
    switch (e.type()) {
      case STATUS_CHANGED -> {
        if (from.isEmpty() && e.status() == ConnectionStatus.INITIATED) {
          count(LINKS_ISSUED, "Pending connect links issued", toolkit);
        } else if (from.equals(Optional.of(ConnectionStatus.INITIATED))) {
          String outcome = switch (e.status()) {
            case ACTIVE -> "connected";
            case FAILED -> "failed";
            case EXPIRED -> "expired";
            default -> null;
          };
          if (outcome != null) {
            count(LINKS_COMPLETED, "Pending connect links that ended", toolkit.and("outcome", outcome));
          }
        } else if (from.equals(Optional.of(ConnectionStatus.ACTIVE)) && e.status() == ConnectionStatus.EXPIRED) {
          count(ACCOUNTS_EXPIRED, "Connected accounts whose token died", toolkit);
        }
      }
      case TOKEN_REFRESHED -> count(REFRESHES, "Token refreshes", toolkit.and("outcome", "success"));
      case REFRESH_FAILED -> count(REFRESHES, "Token refreshes", toolkit.and("outcome", "failed"));
      case DELETED -> { }
    }
  }

  private void onCheck(ConnectionCheck check, long nanos) {
    if (closed) {
      return;
    }
    String outcome = check.refused() ? "refused"
        : check.allActive() ? "all_active"
        : check.toolkits().isEmpty() && check.unknownToolkits() == 0 ? "no_toolkits"
        : "needs_connection";
    // Checks are the engine's busiest path: each registry's meters are looked up once, then cached.
    CheckKey key = new CheckKey(check.source(), outcome);
    for (Bound b : registries) {
      ((Timer) b.meters().computeIfAbsent(key, k -> Timer.builder(CONNECTION_CHECKS)
          .description("Connection checks (is this user connected to these toolkits?)")
          .tags("source", tag(check.source()), "outcome", outcome).register(b.registry())))
          .record(nanos, TimeUnit.NANOSECONDS);
      for (ConnectionCheck.ToolkitStatus t : check.toolkits()) {
        toolkitCounter(b, t, t.toolkit(), tag(t.status())).increment();
      }
      if (check.unknownToolkits() > 0) {
        toolkitCounter(b, UNKNOWN, UNKNOWN, UNKNOWN).increment(check.unknownToolkits());
      }
    }
  }

  private static Counter toolkitCounter(Bound b, Object key, String toolkit, String status) {
    return (Counter) b.meters().computeIfAbsent(key, k -> Counter.builder(CONNECTION_CHECK_TOOLKITS)
        .description("Toolkits looked at by connection checks").tags("toolkit", toolkit, "status", status)
        .register(b.registry()));
  }

  private static String tag(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  private void count(String name, String description, Tags tags) {
    for (Bound b : registries) {
      Counter.builder(name).description(description).tags(tags).register(b.registry()).increment();
    }
  }

  private void time(String name, String description, Tags tags, long nanos) {
    for (Bound b : registries) {
      Timer.builder(name).description(description).tags(tags).register(b.registry())
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** A registry and the check meters already registered with it, by {@link CheckKey} or toolkit status. */
  private record Bound(MeterRegistry registry, ConcurrentMap<Object, Meter> meters) {}

  /** The tags of one {@value #CONNECTION_CHECKS} timer. */
  private record CheckKey(ConnectionCheck.Source source, String outcome) {}

  @Override
  public String toString() {
    return "TetherMetrics[registries=" + registries.size() + "]";
  }
}

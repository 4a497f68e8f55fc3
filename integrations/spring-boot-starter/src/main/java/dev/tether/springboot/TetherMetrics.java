package dev.tether.springboot;

import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionListener;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Tether;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Tether's Micrometer meters, from the engine's events and the starter's endpoints. Tags name the
 * toolkit and the outcome, never a user, an account or anything secret.
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
 * </table>
 *
 * <p>Thread-safe. Bound to the application's registries by Spring Boot (it is a
 * {@link MeterBinder}); it listens to the engine from {@link #attach(Tether)} until {@link #close()}.
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

  private final Tether tether;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  private final ConnectionListener listener = this::onEvent;

  private TetherMetrics(Tether tether) {
    this.tether = tether;
  }

  /**
   * Meters for {@code tether}'s events, from now on.
   *
   * @param tether the engine; not null
   * @return the meters, listening to the engine until closed
   */
  public static TetherMetrics attach(Tether tether) {
    TetherMetrics metrics = new TetherMetrics(Objects.requireNonNull(tether, "tether"));
    tether.addListener(metrics.listener);
    return metrics;
  }

  /**
   * Records to {@code registry} from now on; Spring Boot calls it for the application's registry.
   *
   * @param registry a registry; not null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    registries.add(Objects.requireNonNull(registry, "registry"));
  }

  /** Stops listening to the engine. */
  @Override
  public void close() {
    tether.removeListener(listener);
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

  private void count(String name, String description, Tags tags) {
    for (MeterRegistry registry : registries) {
      Counter.builder(name).description(description).tags(tags).register(registry).increment();
    }
  }

  private void time(String name, String description, Tags tags, long nanos) {
    for (MeterRegistry registry : registries) {
      Timer.builder(name).description(description).tags(tags).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public String toString() {
    return "TetherMetrics[registries=" + registries.size() + "]";
  }
}

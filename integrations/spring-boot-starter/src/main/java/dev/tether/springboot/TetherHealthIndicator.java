package dev.tether.springboot;

import dev.tether.core.ProviderReport;
import dev.tether.core.Tether;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Tether's health: its store answers a read, and its providers serve at least one toolkit. Details:
 * the number of toolkits, the providers in use and, when discovery met any,
 * {@code tether.providers().problems()} (which do not make the engine DOWN: every toolkit that
 * loaded still works). Never a secret, and never an exception's message, only its type.
 * Thread-safe.
 */
public final class TetherHealthIndicator implements HealthIndicator {
  /** An account id no engine issues: reading it is a cheap round trip to the store. */
  static final String PROBE_ACCOUNT = "ca_tether_health_probe";

  private final Tether tether;

  /**
   * Checks {@code tether}.
   *
   * @param tether the engine; not null
   */
  public TetherHealthIndicator(Tether tether) {
    this.tether = Objects.requireNonNull(tether, "tether");
  }

  /**
   * Reads the store once and reports the providers.
   *
   * @return UP, or DOWN when the store cannot be read or no toolkit is served
   */
  @Override
  public Health health() {
    ProviderReport report = tether.providers();
    int toolkits = tether.toolkitSlugs().size();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("toolkits", toolkits);
    Map<String, Object> providers = new LinkedHashMap<>();
    for (ProviderReport.LoadedProvider p : report.providers()) {
      providers.put(p.providerClass(), Map.of("origin", p.origin().name().toLowerCase(java.util.Locale.ROOT),
          "toolkits", p.toolkits().size()));
    }
    details.put("providers", providers);
    if (!report.isClean()) {
      details.put("problems", List.copyOf(report.problems()));
    }
    boolean up = toolkits > 0;
    if (!up) {
      details.put("reason", "no provider serves a toolkit");
    }
    try {
      tether.account(PROBE_ACCOUNT);
      details.put("store", "reachable");
    } catch (RuntimeException e) {
      // The type tells an operator where to look; a message might quote a connection string.
      up = false;
      details.put("store", "unreachable (" + e.getClass().getSimpleName() + ")");
    }
    return (up ? Health.up() : Health.down()).withDetails(details).build();
  }

  @Override
  public String toString() {
    return "TetherHealthIndicator[" + tether + "]";
  }
}

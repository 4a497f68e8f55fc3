package dev.tether.springboot;

import dev.tether.core.Tether;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tether} health indicator when Spring Boot's health support is on the class path
 * ({@code management.health.tether.enabled=false} turns it off). Backs off when the application
 * defines a bean named {@code tetherHealthIndicator}.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnSingleCandidate(Tether.class)
@ConditionalOnEnabledHealthIndicator("tether")
public class TetherHealthAutoConfiguration {
  /** For Spring. */
  public TetherHealthAutoConfiguration() {}

  /**
   * The indicator, shown as {@code tether} under {@code /actuator/health}.
   *
   * @param tether the engine
   * @return the indicator
   */
  @Bean
  @ConditionalOnMissingBean(name = "tetherHealthIndicator")
  public TetherHealthIndicator tetherHealthIndicator(Tether tether) {
    return new TetherHealthIndicator(tether);
  }
}

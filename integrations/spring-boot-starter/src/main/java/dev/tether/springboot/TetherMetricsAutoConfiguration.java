package dev.tether.springboot;

import dev.tether.core.Tether;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link TetherMetrics} when Micrometer is on the class path: Spring Boot binds it to the
 * application's meter registry. Backs off when the application defines its own.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(Tether.class)
public class TetherMetricsAutoConfiguration {
  /** For Spring. */
  public TetherMetricsAutoConfiguration() {}

  /**
   * The meters, listening to the engine.
   *
   * @param tether the engine
   * @return the meters; closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public TetherMetrics tetherMetrics(Tether tether) {
    return TetherMetrics.attach(tether);
  }

  @Bean
  @ConditionalOnBean(TetherMetrics.class)
  EndpointObserver tetherEndpointObserver(TetherMetrics metrics) {
    return metrics.endpoints();
  }
}

package dev.tether.springboot;

import dev.tether.core.Tether;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link TetherMetrics} when Micrometer is on the class path: Spring Boot binds it to the
 * application's meter registry. Its connection-check recorder is installed on the builder of the
 * auto-configured {@link Tether} (through a {@link TetherBuilderCustomizer}, so an application
 * customizer must not set {@code connectionCheckRecorder} too), and it listens to the engine's
 * events once every singleton exists. Backs off when the application defines its own
 * {@code TetherMetrics}; an application that builds its own {@code Tether} bean gets the event
 * meters, and the check meters if it gives {@link TetherMetrics#connectionChecks()} to its builder.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnSingleCandidate(Tether.class)
public class TetherMetricsAutoConfiguration {
  /** For Spring. */
  public TetherMetricsAutoConfiguration() {}

  /** Times the starter's endpoints with whichever {@code TetherMetrics} the context has: its own or the application's. */
  @Bean
  EndpointObserver tetherEndpointObserver(TetherMetrics metrics) {
    return metrics.endpoints();
  }

  /**
   * The starter's own meters. They must exist before the engine (its builder takes their check
   * recorder), so they do not depend on it: they start listening to its events afterwards.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(TetherMetrics.class)
  static class MetricsConfiguration {
    @Bean(destroyMethod = "close")
    TetherMetrics tetherMetrics() {
      return TetherMetrics.create();
    }

    @Bean
    TetherBuilderCustomizer tetherMetricsConnectionChecks(TetherMetrics metrics) {
      return b -> b.connectionCheckRecorder(metrics.connectionChecks());
    }

    @Bean
    SmartInitializingSingleton tetherMetricsListening(ObjectProvider<Tether> tether, TetherMetrics metrics) {
      return () -> tether.ifUnique(metrics::listenTo);
    }
  }
}

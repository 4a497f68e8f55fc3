package dev.tether.springboot;

import dev.tether.core.ConnectionListener;
import dev.tether.core.Tether;
import dev.tether.core.store.ConnectionStore;
import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.spi.ToolkitProvider;
import dev.tether.store.postgres.PostgresConnectionStore;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The Tether engine from {@code tether.*}: a {@link Tether} bean built from the properties and the
 * application's {@link ToolkitProvider}, {@link ConnectionStore} and {@link TetherBuilderCustomizer}
 * beans; an {@code OAuth2Catalog} from {@code tether.providers.*}; and a
 * {@code PostgresConnectionStore} on the application's {@code DataSource}. Each backs off when the
 * application defines a bean of its type. The application's {@link ConnectionListener} beans are
 * added to the {@code Tether} bean (its own too) once every singleton exists, so a listener may
 * depend on the engine.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(TetherProperties.class)
public class TetherAutoConfiguration {
  /** The name of the scheduler bean that runs ahead-of-use refresh and maintenance. */
  public static final String SCHEDULER_BEAN = "tetherScheduler";

  /** For Spring. */
  public TetherAutoConfiguration() {}

  /**
   * The engine.
   *
   * @param properties the {@code tether.*} settings
   * @param providers every {@link ToolkitProvider} bean, registered explicitly
   * @param store the {@link ConnectionStore} bean, if any
   * @param customizers every {@link TetherBuilderCustomizer} bean, in order
   * @param scheduler the {@value #SCHEDULER_BEAN}, present when an interval is set
   * @return the engine
   */
  @Bean
  @ConditionalOnMissingBean
  public Tether tether(TetherProperties properties, ObjectProvider<ToolkitProvider> providers,
      ObjectProvider<ConnectionStore> store, ObjectProvider<TetherBuilderCustomizer> customizers,
      @Qualifier(SCHEDULER_BEAN) ObjectProvider<ScheduledExecutorService> scheduler) {
    Tether.Builder b = Tether.builder().discoverProviders(properties.discoverProviders());
    Settings.set("tether.link-ttl", () -> b.linkTtl(properties.linkTtl()));
    Settings.set("tether.session-idle-timeout", () -> b.sessionIdleTimeout(properties.sessionIdleTimeout()));
    Settings.set("tether.token-refresh-skew", () -> b.tokenRefreshSkew(properties.tokenRefreshSkew()));
    if (properties.redirectUri() != null) {
      Settings.set("tether.redirect-uri", () -> b.redirectUri(properties.redirectUri()));
    }
    if (properties.connectBaseUrl() != null) {
      Settings.set("tether.connect-base-url", () -> b.connectBaseUrl(properties.connectBaseUrl()));
    }
    if (properties.mcpBaseUrl() != null) {
      Settings.set("tether.mcp-base-url", () -> b.mcpBaseUrl(properties.mcpBaseUrl()));
    }
    if (!properties.allowedCallbackOrigins().isEmpty()) {
      Settings.set("tether.allowed-callback-origins",
          () -> b.allowedCallbackOrigins(properties.allowedCallbackOrigins().toArray(String[]::new)));
    }
    providers.orderedStream().forEach(b::provider);
    store.ifAvailable(b::store);
    scheduler.ifAvailable(s -> {
      if (properties.refreshInterval() != null) {
        Settings.set("tether.refresh-interval", () -> b.refreshScheduler(s, properties.refreshInterval()));
      }
      if (properties.maintenanceInterval() != null) {
        Settings.set("tether.maintenance-interval", () -> b.maintenanceScheduler(s, properties.maintenanceInterval()));
      }
    });
    customizers.orderedStream().forEach(c -> c.customize(b));
    return b.build();
  }

  /**
   * Adds every {@link ConnectionListener} bean to the engine once all singletons exist: a listener
   * that needs the engine (to read a session, say) would otherwise depend on it in a cycle.
   *
   * @param tether the engine
   * @param listeners the listener beans, in order
   * @return the hook Spring calls after creating the singletons
   */
  @Bean
  public SmartInitializingSingleton tetherListenerRegistration(ObjectProvider<Tether> tether,
      ObjectProvider<ConnectionListener> listeners) {
    return () -> tether.ifUnique(t -> listeners.orderedStream().forEach(t::addListener));
  }

  /**
   * One daemon thread for the engine's scheduled work, when {@code tether.refresh-interval} or
   * {@code tether.maintenance-interval} is set; shut down with the context. Not a default candidate:
   * it is injected only where qualified by its name, so the application's own
   * {@code ScheduledExecutorService} stays the one injected by type, and Spring Boot still gives
   * {@code @Scheduled} methods their own scheduler rather than this thread.
   *
   * @return the scheduler
   */
  @Bean(name = SCHEDULER_BEAN, destroyMethod = "shutdownNow", defaultCandidate = false)
  @ConditionalOnMissingBean(name = SCHEDULER_BEAN)
  @Conditional(OnSchedulingInterval.class)
  public ScheduledExecutorService tetherScheduler() {
    return Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tether-scheduler");
      t.setDaemon(true);
      return t;
    });
  }

  /** OAuth 2.0 clients from {@code tether.providers.*}, as one explicitly registered catalog. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(OAuth2Catalog.class)
  @Conditional(OnProviderClients.class)
  static class OAuth2CatalogConfiguration {
    @Bean
    @ConditionalOnMissingBean(OAuth2Catalog.class)
    OAuth2Catalog tetherOAuth2Catalog(TetherProperties properties) {
      OAuth2Catalog.Builder b = OAuth2Catalog.builder();
      properties.providers().forEach((family, client) -> {
        if (client.clientId() == null || client.clientId().isBlank()) {
          throw new IllegalStateException("tether.providers." + family + ".client-id is not set");
        }
        String secret = client.clientSecret() == null || client.clientSecret().isEmpty() ? null : client.clientSecret();
        b.client(family, client.clientId().strip(), secret);
      });
      return Settings.build("tether.providers", b::build);
    }
  }

  /** The PostgreSQL store on the application's data source. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(PostgresConnectionStore.class)
  @ConditionalOnBean(DataSource.class)
  @ConditionalOnMissingBean(ConnectionStore.class)
  @ConditionalOnProperty(prefix = "tether.store.postgres", name = "enabled", matchIfMissing = true)
  static class PostgresStoreConfiguration {
    @Bean(destroyMethod = "close")
    PostgresConnectionStore tetherConnectionStore(DataSource dataSource, TetherProperties properties) {
      TetherProperties.Postgres p = properties.store().postgres();
      if (p.encryptionKeyId() == null || p.encryptionKeyId().isBlank() || p.encryptionKey() == null) {
        throw new IllegalStateException("Tether keeps connections in PostgreSQL (tether-store-postgres and a "
            + "DataSource are present) and encrypts credentials at rest: set tether.store.postgres.encryption-key-id "
            + "and tether.store.postgres.encryption-key (32 bytes, base64), or tether.store.postgres.enabled=false "
            + "to keep them in memory");
      }
      PostgresConnectionStore.Builder b = PostgresConnectionStore.builder(dataSource).migrate(p.migrate());
      Settings.set("tether.store.postgres.schema", () -> b.schema(p.schema()));
      byte[] key = Keys.decode("tether.store.postgres.encryption-key", p.encryptionKey());
      try {
        Settings.set("tether.store.postgres.encryption-key-id or encryption-key",
            () -> b.encryptionKey(p.encryptionKeyId().strip(), key));
      } finally {
        Arrays.fill(key, (byte) 0);
      }
      for (Map.Entry<String, String> old : p.decryptionKeys().entrySet()) {
        String property = "tether.store.postgres.decryption-keys." + old.getKey();
        byte[] k = Keys.decode(property, old.getValue());
        try {
          Settings.set(property, () -> b.decryptionKey(old.getKey(), k));
        } finally {
          Arrays.fill(k, (byte) 0);
        }
      }
      return b.build();
    }
  }

  /** Matches when {@code tether.providers} names at least one family. */
  static final class OnProviderClients extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      Map<String, Object> clients = Binder.get(context.getEnvironment())
          .bind("tether.providers", Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
      return clients.isEmpty() ? ConditionOutcome.noMatch("no tether.providers.* clients")
          : ConditionOutcome.match("tether.providers names " + clients.keySet());
    }
  }

  /** Matches when {@code tether.refresh-interval} or {@code tether.maintenance-interval} is set. */
  static final class OnSchedulingInterval extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      var env = context.getEnvironment();
      boolean set = env.containsProperty("tether.refresh-interval") || env.containsProperty("tether.maintenance-interval");
      return set ? ConditionOutcome.match("a tether scheduling interval is set")
          : ConditionOutcome.noMatch("neither tether.refresh-interval nor tether.maintenance-interval is set");
    }
  }
}

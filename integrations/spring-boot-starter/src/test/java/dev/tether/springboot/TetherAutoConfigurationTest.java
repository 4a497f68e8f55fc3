package dev.tether.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionListener;
import dev.tether.core.ConnectionRequest;
import dev.tether.core.ProviderReport;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;

class TetherAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class))
      .withPropertyValues("tether.discover-providers=false");

  @Configuration(proxyBeanMethods = false)
  static class FakeProvider {
    @Bean
    FakeToolkitProvider fake() {
      return FakeToolkitProvider.builder().oauth2("gmail", "Gmail").apiKey("exa", "Exa").build();
    }
  }

  @Test
  void tether_fromProperties_isBuiltWithProviderBeans() {
    runner.withUserConfiguration(FakeProvider.class)
        .withPropertyValues("tether.redirect-uri=https://app.test/oauth/callback",
            "tether.connect-base-url=https://app.test/link", "tether.mcp-base-url=https://app.test/mcp",
            "tether.allowed-callback-origins=https://www.app.test", "tether.link-ttl=5m")
        .run(context -> {
          Tether tether = context.getBean(Tether.class);
          assertThat(tether.toolkitSlugs()).containsExactly("exa", "gmail");
          Session session = tether.createSession("u1");
          ConnectionRequest request = session.authorize("gmail", URI.create("https://www.app.test/done"));
          assertThat(request.redirectUrl().toString()).startsWith("https://app.test/link/ln_");
          assertThat(session.mcp().url().toString()).startsWith("https://app.test/mcp/trs_");
          assertThat(context).doesNotHaveBean(ScheduledExecutorService.class).doesNotHaveBean(OAuth2Catalog.class);
          assertThat(context.getBean(TetherProperties.class).toString()).contains("linkTtl=PT5M",
              "sessionIdleTimeout=PT24H", "tokenRefreshSkew=PT1M", "refreshInterval=null", "discoverProviders=false");
        });
  }

  @Test
  void tether_linkTtl_isApplied() {
    TestClock clock = TestClock.standing();
    runner.withUserConfiguration(FakeProvider.class)
        .withBean(TetherBuilderCustomizer.class, () -> b -> b.clock(clock))
        .withPropertyValues("tether.redirect-uri=https://app.test/oauth/callback", "tether.link-ttl=2m")
        .run(context -> {
          Tether tether = context.getBean(Tether.class);
          ConnectionRequest request = tether.createSession("u1").authorize("gmail");
          clock.advance(Duration.ofSeconds(119));
          assertThat(tether.account(request.id()).orElseThrow().status().name()).isEqualTo("INITIATED");
          clock.advance(Duration.ofSeconds(2));
          assertThat(tether.account(request.id()).orElseThrow().status().name()).isEqualTo("EXPIRED");
        });
  }

  @Test
  void tether_applicationDefinesOne_backsOff() {
    Tether own = Tether.builder().discoverProviders(false).build();
    runner.withBean(Tether.class, () -> own).run(context ->
        assertThat(context).getBean(Tether.class).isSameAs(own));
  }

  @Test
  void listenersStoreAndCustomizers_beans_areHandedToTheBuilder() {
    List<ConnectionEvent> heard = new CopyOnWriteArrayList<>();
    ConnectionStore store = ConnectionStores.inMemory();
    runner.withUserConfiguration(FakeProvider.class)
        .withBean(ConnectionListener.class, () -> heard::add)
        .withBean(ConnectionStore.class, () -> store)
        .withPropertyValues("tether.redirect-uri=https://app.test/oauth/callback")
        .run(context -> {
          ConnectionRequest request = context.getBean(Tether.class).createSession("u1").authorize("gmail");
          assertThat(heard).extracting(ConnectionEvent::accountId).containsExactly(request.id());
          assertThat(store.account(request.id())).isPresent();
        });
  }

  @Test
  void oauth2Catalog_clientsConfigured_isRegisteredExplicitly() {
    runner.withPropertyValues("tether.redirect-uri=https://app.test/oauth/callback",
            "tether.providers.google.client-id=google-client", "tether.providers.google.client-secret=s3cr3t-google",
            "tether.providers.github.client-id=github-client")
        .run(context -> {
          assertThat(context).hasSingleBean(OAuth2Catalog.class);
          Tether tether = context.getBean(Tether.class);
          assertThat(tether.providers().providers()).singleElement().satisfies(p -> {
            assertThat(p.providerClass()).isEqualTo(OAuth2Catalog.class.getName());
            assertThat(p.origin()).isEqualTo(ProviderReport.Origin.EXPLICIT);
          });
          URI link = tether.createSession("u1").authorize("gmail").redirectUrl();
          assertThat(link.getRawQuery()).contains("client_id=google-client").doesNotContain("s3cr3t");
          assertThat(context.getBean(TetherProperties.class).toString()).contains("google-client").doesNotContain("s3cr3t");
        });
  }

  @Test
  void client_toString_showsWhetherASecretIsSetButNeverIt() {
    assertThat(new TetherProperties.Client("id", "s3cr3t").toString()).contains("clientSecret=****")
        .doesNotContain("s3cr3t");
    assertThat(new TetherProperties.Client("id", "").toString()).contains("clientSecret=none");
    assertThat(new TetherProperties.Client("id", null).toString()).contains("clientSecret=none");
  }

  @Test
  void oauth2Catalog_noClients_isNotCreated() {
    runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OAuth2Catalog.class));
  }

  @Test
  void oauth2Catalog_applicationDefinesOne_backsOff() {
    OAuth2Catalog own = OAuth2Catalog.builder().client("github", "own-client", null).build();
    runner.withBean("ownCatalog", OAuth2Catalog.class, () -> own)
        .withPropertyValues("tether.providers.google.client-id=google-client")
        .run(context -> assertThat(context).getBean(OAuth2Catalog.class).isSameAs(own));
  }

  @Test
  void oauth2Catalog_withoutTheOAuth2Module_isNotCreated() {
    runner.withClassLoader(new FilteredClassLoader(OAuth2Catalog.class))
        .withPropertyValues("tether.providers.google.client-id=google-client")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tetherOAuth2Catalog"));
  }

  @Test
  void oauth2Catalog_clientWithoutId_failsNamingTheProperty() {
    runner.withPropertyValues("tether.providers.google.client-secret=s3cr3t")
        .run(context -> assertThat(context).hasFailed().getFailure()
            .rootCause().hasMessageContaining("tether.providers.google.client-id").hasMessageNotContaining("s3cr3t"));
  }

  @Test
  void scheduler_intervalSet_isCreatedAndStoppedWithTheContext() {
    ScheduledExecutorService[] seen = new ScheduledExecutorService[1];
    runner.withPropertyValues("tether.refresh-interval=5m", "tether.maintenance-interval=30s").run(context -> {
      assertThat(context).hasBean(TetherAutoConfiguration.SCHEDULER_BEAN);
      seen[0] = context.getBean(TetherAutoConfiguration.SCHEDULER_BEAN, ScheduledExecutorService.class);
    });
    assertThat(seen[0].isShutdown()).isTrue();
  }

  @Test
  void scheduler_noInterval_isNotCreated() {
    runner.run(context -> assertThat(context).doesNotHaveBean(TetherAutoConfiguration.SCHEDULER_BEAN));
  }

  @Test
  void scheduler_refreshIntervalAlone_createsItAndHandsItToTheBuilder() {
    // A customizer may not set what the properties set: it failing proves the scheduler reached the builder.
    ScheduledExecutorService other = Executors.newSingleThreadScheduledExecutor();
    try {
      runner.withPropertyValues("tether.refresh-interval=5m")
          .withBean(TetherBuilderCustomizer.class, () -> b -> b.maintenanceScheduler(other, Duration.ofMinutes(1))
              .refreshScheduler(other, Duration.ofMinutes(1)))
          .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
              .hasMessageContaining("refreshScheduler was already set"));
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void scheduler_maintenanceIntervalAlone_createsItAndHandsItToTheBuilder() {
    ScheduledExecutorService other = Executors.newSingleThreadScheduledExecutor();
    try {
      runner.withPropertyValues("tether.maintenance-interval=30s")
          .run(context -> assertThat(context).hasBean(TetherAutoConfiguration.SCHEDULER_BEAN));
      runner.withPropertyValues("tether.maintenance-interval=30s")
          .withBean(TetherBuilderCustomizer.class, () -> b -> b.refreshScheduler(other, Duration.ofMinutes(1))
              .maintenanceScheduler(other, Duration.ofMinutes(1)))
          .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
              .hasMessageContaining("maintenanceScheduler was already set"));
    } finally {
      other.shutdownNow();
    }
  }

  @Test
  void scheduler_applicationDefinesOneByName_backsOff() {
    ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor();
    try {
      runner.withBean(TetherAutoConfiguration.SCHEDULER_BEAN, ScheduledExecutorService.class, () -> own)
          .withPropertyValues("tether.refresh-interval=5m")
          .run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TetherAutoConfiguration.SCHEDULER_BEAN)).isSameAs(own);
            assertThat(context.getBeansOfType(ScheduledExecutorService.class)).hasSize(1);
          });
    } finally {
      own.shutdownNow();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class AppScheduling {}

  @Test
  void scheduler_isNoDefaultCandidate_soSpringBootKeepsItsTaskExecutorAndScheduler() {
    // Were the engine's thread a plain ScheduledExecutorService bean, Boot's applicationTaskExecutor (it backs
    // off for any Executor) and its task scheduler would be gone, and @Async and @Scheduled methods would run
    // elsewhere, the latter on the engine's one thread.
    runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
            TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(AppScheduling.class)
        .withPropertyValues("tether.refresh-interval=5m")
        .run(context -> {
          assertThat(context).hasNotFailed().hasBean(TetherAutoConfiguration.SCHEDULER_BEAN);
          assertThat(context).hasSingleBean(TaskScheduler.class).hasBean("applicationTaskExecutor");
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class AppExecutor {
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService appExecutor() {
      return Executors.newSingleThreadScheduledExecutor();
    }

    @Bean
    AtomicReference<ScheduledExecutorService> appExecutorUser(ScheduledExecutorService executor) {
      return new AtomicReference<>(executor);
    }
  }

  @Test
  void scheduler_applicationInjectsItsOwnExecutorByType_stillGetsIt() {
    runner.withUserConfiguration(AppExecutor.class)
        .withPropertyValues("tether.refresh-interval=5m")
        .run(context -> {
          assertThat(context).hasNotFailed().hasBean(TetherAutoConfiguration.SCHEDULER_BEAN);
          assertThat(context.getBean(AtomicReference.class).get()).isSameAs(context.getBean("appExecutor"));
        });
  }

  @Test
  void badSetting_failsAtStartupNamingThePropertyAndWhy() {
    Map<String, String> expected = Map.of(
        "tether.link-ttl=0s", "Invalid tether.link-ttl: linkTtl must be at least 1 second",
        "tether.session-idle-timeout=-1h", "Invalid tether.session-idle-timeout: ",
        "tether.token-refresh-skew=-1s", "Invalid tether.token-refresh-skew: ",
        "tether.redirect-uri=ftp://app.test/cb", "Invalid tether.redirect-uri: ",
        "tether.connect-base-url=/relative/link", "Invalid tether.connect-base-url: ",
        "tether.allowed-callback-origins=not an origin", "Invalid tether.allowed-callback-origins: ",
        "tether.maintenance-interval=10ms", "Invalid tether.maintenance-interval: ",
        "tether.providers.gogle.client-id=x", "Invalid tether.providers: Unknown OAuth 2.0 family 'gogle'");
    expected.forEach((setting, message) -> runner.withPropertyValues(setting).run(context ->
        assertThat(context).as(setting).hasFailed().getFailure().rootCause()
            .isInstanceOf(IllegalStateException.class).hasMessageStartingWith(message)));
  }
}

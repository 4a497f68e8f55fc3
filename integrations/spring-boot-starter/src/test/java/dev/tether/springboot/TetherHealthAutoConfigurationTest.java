package dev.tether.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.testkit.FakeToolkitProvider;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class TetherHealthAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherHealthAutoConfiguration.class))
      .withPropertyValues("tether.discover-providers=false");

  private static FakeToolkitProvider fake() {
    return FakeToolkitProvider.builder().oauth2("acme", "Acme").build();
  }

  @Test
  void health_storeReadsAndToolkitsServed_isUpWithDetails() {
    runner.withBean(FakeToolkitProvider.class, TetherHealthAutoConfigurationTest::fake)
        .withPropertyValues("tether.providers.google.client-id=google-client",
            "tether.providers.google.client-secret=s3cr3t")
        .run(context -> {
          Health health = context.getBean("tetherHealthIndicator", HealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails()).containsEntry("store", "reachable").containsKey("providers")
              .doesNotContainKey("problems");
          assertThat((Integer) health.getDetails().get("toolkits")).isGreaterThan(1);
          assertThat(health.toString()).doesNotContain("s3cr3t");
        });
  }

  @Test
  void health_noToolkit_isDown() {
    runner.run(context -> assertThat(context.getBean(TetherHealthIndicator.class).health().getStatus())
        .isEqualTo(Status.DOWN));
  }

  @Test
  void health_storeFails_isDownNamingTheErrorTypeOnly() {
    ConnectionStore broken = failingReads("jdbc:postgresql://db/tether?password=hunter2 is down");
    runner.withBean(FakeToolkitProvider.class, TetherHealthAutoConfigurationTest::fake)
        .withBean(ConnectionStore.class, () -> broken)
        .run(context -> {
          Health health = context.getBean(TetherHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.DOWN);
          assertThat(health.getDetails()).containsEntry("store", "unreachable (IllegalStateException)");
          assertThat(health.toString()).doesNotContain("hunter2");
        });
  }

  @Test
  void health_noToolkitAndStoreFails_namesBothReasons() {
    runner.withBean(ConnectionStore.class, () -> failingReads("down")).run(context -> {
      Health health = context.getBean(TetherHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails()).containsEntry("reason", "no provider serves a toolkit")
          .containsEntry("store", "unreachable (IllegalStateException)");
    });
  }

  /** An in-memory store whose account reads fail with {@code message}, as a database that went away. */
  private static ConnectionStore failingReads(String message) {
    ConnectionStore memory = ConnectionStores.inMemory();
    return (ConnectionStore) Proxy.newProxyInstance(TetherHealthAutoConfigurationTest.class.getClassLoader(),
        new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("account")) {
            throw new IllegalStateException(message);
          }
          try {
            return method.invoke(memory, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void health_discoveryProblems_areDetails() throws Exception {
    // Two discovered providers claiming one slug is a problem the report names; here: one that fails to load.
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherHealthAutoConfiguration.class))
        .withClassLoader(new ServicesClassLoader(getClass().getClassLoader(), "com.example.Missing"))
        .withBean(FakeToolkitProvider.class, TetherHealthAutoConfigurationTest::fake)
        .run(context -> {
          Health health = context.getBean(TetherHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat((List<?>) health.getDetails().get("problems")).singleElement().asString()
              .contains("com.example.Missing");
        });
  }

  @Test
  void health_noTetherBean_isNotRegistered() {
    new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TetherHealthAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TetherHealthIndicator.class));
  }

  @Test
  void health_disabled_isNotRegistered() {
    runner.withPropertyValues("management.health.tether.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(TetherHealthIndicator.class));
  }

  @Test
  void health_withoutSpringBootHealth_isNotRegistered() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tetherHealthIndicator"));
  }

  @Test
  void health_applicationDefinesOne_backsOff() {
    HealthIndicator own = () -> Health.up().withDetails(Map.of("own", true)).build();
    runner.withBean("tetherHealthIndicator", HealthIndicator.class, () -> own)
        .run(context -> assertThat(context).getBean("tetherHealthIndicator").isSameAs(own));
  }
}

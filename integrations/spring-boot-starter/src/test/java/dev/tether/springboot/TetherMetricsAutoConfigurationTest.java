package dev.tether.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

class TetherMetricsAutoConfigurationTest {
  private final TestClock clock = TestClock.standing();
  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class,
          TetherMetricsAutoConfiguration.class, MetricsAutoConfiguration.class, WebMvcAutoConfiguration.class))
      .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
      .withBean(FakeToolkitProvider.class,
          () -> FakeToolkitProvider.builder().oauth2("gmail", "Gmail").apiKey("exa", "Exa").build())
      .withBean(TetherBuilderCustomizer.class, () -> b -> b.clock(clock))
      .withPropertyValues("tether.discover-providers=false", "tether.redirect-uri=http://localhost/oauth/callback",
          "tether.connect-base-url=http://localhost/link", "tether.link-ttl=1m");

  /** Every meter's count by name and tags, e.g. {@code tether.links.issued{toolkit=gmail}=1}. */
  private static Map<String, Long> counts(MeterRegistry registry) {
    return registry.getMeters().stream().collect(Collectors.toMap(
        m -> m.getId().getName() + m.getId().getTags().stream().map(t -> t.getKey() + "=" + t.getValue())
            .collect(Collectors.joining(",", "{", "}")),
        TetherMetricsAutoConfigurationTest::count));
  }

  private static long count(Meter m) {
    if (m instanceof io.micrometer.core.instrument.Counter c) {
      return (long) c.count();
    }
    if (m instanceof io.micrometer.core.instrument.Timer t) {
      return t.count();
    }
    return -1;
  }

  @Test
  void metrics_engineEventsAndEndpoints_areCountedByToolkitAndOutcome() {
    runner.run(context -> {
      Tether tether = context.getBean(Tether.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();

      // gmail: a link, its callback, a refresh after expiry
      ConnectionRequest gmail = tether.createSession("user-secret-id").authorize("gmail");
      Map<String, String> approval = FakeToolkitProvider.approve(tether, gmail.redirectUrl(), "c1");
      mvc.perform(get("/oauth/callback").queryParam("state", approval.get("state")).queryParam("code", "c1")
          .queryParam("iss", approval.get("iss")));
      mvc.perform(get("/oauth/callback").queryParam("state", "forged"));
      clock.advance(Duration.ofMinutes(61));
      tether.credentials(gmail.id());

      // exa: opened, a wrong key, a right key
      ConnectionRequest exa = tether.createSession("user-secret-id").authorize("exa");
      String path = exa.redirectUrl().getPath();
      mvc.perform(get(path));
      mvc.perform(post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).param("api_key", "short"));
      mvc.perform(post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED).param("api_key", "exa-key-0123456789"));

      // a link nobody opens
      ConnectionRequest unused = tether.createSession("user-secret-id").authorize("gmail");
      clock.advance(Duration.ofMinutes(2));
      tether.account(unused.id());

      assertThat(counts(registry)).containsAllEntriesOf(Map.of(
          "tether.links.issued{toolkit=gmail}", 2L,
          "tether.links.issued{toolkit=exa}", 1L,
          "tether.links.completed{outcome=connected,toolkit=gmail}", 1L,
          "tether.links.completed{outcome=expired,toolkit=gmail}", 1L,
          "tether.links.completed{outcome=connected,toolkit=exa}", 1L,
          "tether.refreshes{outcome=success,toolkit=gmail}", 1L,
          "tether.callbacks{outcome=success}", 1L,
          "tether.callbacks{outcome=rejected}", 1L,
          "tether.connect.requests{action=open,outcome=form}", 1L,
          "tether.connect.requests{action=submit,outcome=problems}", 1L));
      assertThat(counts(registry)).containsEntry("tether.connect.requests{action=submit,outcome=connected}", 1L);
      assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString())
          .doesNotContain("user-secret-id").doesNotContain("ca_").doesNotContain("exa-key"));
    });
  }

  @Test
  void metrics_connectionChecks_areTimedBySourceAndOutcome_andCountedByToolkitAndStatus() {
    runner.run(context -> {
      Tether tether = context.getBean(Tether.class);
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      Session s = tether.createSession("user-secret-id", SessionOptions.builder().waitForConnections(true).build());

      s.manageConnections(List.of("gmail"), false);
      s.connect("exa", Map.of("api_key", "exa-key-0123456789"));
      s.manageConnections(List.of("exa"), false);
      s.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"exa\",\"gmail\",\"user-secret-id\"]}");
      s.execute("COMPOSIO_MANAGE_CONNECTIONS", "{}");
      s.execute("COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"exa\"}]}");
      s.execute("COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"exa\"],\"timeout_seconds\":0}");

      assertThat(counts(registry)).containsAllEntriesOf(Map.of(
          "tether.connection.checks{outcome=needs_connection,source=typed}", 1L,
          "tether.connection.checks{outcome=all_active,source=typed}", 1L,
          "tether.connection.checks{outcome=needs_connection,source=manage_connections}", 1L,
          "tether.connection.checks{outcome=refused,source=manage_connections}", 1L,
          "tether.connection.checks{outcome=all_active,source=search_tools}", 1L,
          "tether.connection.checks{outcome=all_active,source=wait_for_connections}", 1L,
          "tether.connection.checks.toolkits{status=initiated,toolkit=gmail}", 2L,
          "tether.connection.checks.toolkits{status=active,toolkit=exa}", 4L,
          "tether.connection.checks.toolkits{status=unknown,toolkit=unknown}", 1L));
      assertThat(registry.find("tether.connection.checks").timers())
          .hasSize(6).allSatisfy(t -> assertThat(t.totalTime(TimeUnit.NANOSECONDS)).isNotNegative());
      assertThat(registry.find("tether.connection.checks.toolkits").counters()).hasSize(3);
      assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTags().toString())
          .doesNotContain("user-secret-id").doesNotContain(s.id()).doesNotContain("ca_").doesNotContain("exa-key"));
    });
  }

  @Test
  void metrics_withoutMicrometer_areOffAndTheEndpointsStillWork() {
    runner.withClassLoader(new FilteredClassLoader(MeterBinder.class, MeterRegistry.class))
        .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class,
            TetherMetricsAutoConfiguration.class, WebMvcAutoConfiguration.class))
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean("tetherMetrics").hasBean("tetherRoutes");
          MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
          assertThat(mvc.perform(get("/oauth/callback?state=forged")).andReturn().getResponse().getStatus())
              .isEqualTo(400);
        });
  }

  @Test
  void metrics_noTetherBean_areNotCreated() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherMetricsAutoConfiguration.class, MetricsAutoConfiguration.class))
        .withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TetherMetrics.class)
            .doesNotHaveBean(TetherBuilderCustomizer.class));
  }

  @Test
  void metrics_applicationDefinesThem_backOff() {
    runner.withBean("ownMetrics", TetherMetrics.class, () -> TetherMetrics.attach(
        Tether.builder().discoverProviders(false).build()))
        .run(context -> assertThat(context).hasSingleBean(TetherMetrics.class).hasBean("ownMetrics"));
  }

  @Test
  void metrics_applicationAttachesItsOwnToTheEngine_noCycle_andTheEngineRecordsNoChecks() {
    runner.withUserConfiguration(OwnMetrics.class).run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(TetherMetrics.class).hasBean("ownMetrics")
          .doesNotHaveBean("tetherMetricsConnectionChecks");
      Tether tether = context.getBean(Tether.class);
      tether.createSession("u1").manageConnections(List.of("gmail"), false);
      assertThat(counts(context.getBean(MeterRegistry.class))).containsEntry("tether.links.issued{toolkit=gmail}", 1L)
          .doesNotContainKey("tether.connection.checks{outcome=needs_connection,source=typed}");
    });
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnMetrics {
    @Bean(destroyMethod = "close")
    TetherMetrics ownMetrics(Tether tether) {
      return TetherMetrics.attach(tether);
    }
  }

  @Test
  void metrics_contextClosed_stopListening() {
    TetherMetrics[] metrics = new TetherMetrics[1];
    Tether[] tether = new Tether[1];
    runner.run(context -> {
      metrics[0] = context.getBean(TetherMetrics.class);
      tether[0] = context.getBean(Tether.class);
    });
    SimpleMeterRegistry after = new SimpleMeterRegistry();
    metrics[0].bindTo(after);
    Session s = tether[0].createSession("u1");
    s.authorize("gmail");
    s.manageConnections(List.of("gmail"), false);
    assertThat(after.getMeters()).isEmpty();
  }
}

package dev.tether.examples.springboot;

import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.providers.apikey.ApiKeyCatalog;
import dev.tether.providers.oauth2.OAuth2Catalog;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * A Spring Boot application on {@code tether-spring-boot-starter}: the starter builds the engine from
 * {@code application.properties} and serves the OAuth callback, the connect links and MCP; this class
 * adds only what is the application's own — the providers (Gmail and GitHub played by an in-process
 * sandbox identity provider, and the API-key catalog for Exa), one demo user, and a dashboard with live
 * status badges and a scripted chat. Beans are declared here, not scanned.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class SandboxApplication {
  /** The demo user's toolkits. */
  static final String[] TOOLKITS = {"gmail", "github", "exa"};

  /**
   * Starts the application; Ctrl-C stops it.
   *
   * @param args Spring Boot arguments, e.g. {@code --server.port=9090}
   */
  public static void main(String[] args) {
    SpringApplication.run(SandboxApplication.class, args);
  }

  @Bean(destroyMethod = "close")
  SandboxIdentityProvider sandboxIdentityProvider() {
    return new SandboxIdentityProvider();
  }

  /** Gmail and GitHub from the bundled catalog, pointed at the sandbox; the starter's own catalog backs off. */
  @Bean
  OAuth2Catalog sandboxCatalog(SandboxIdentityProvider sandbox) {
    OAuth2Catalog.Builder b = OAuth2Catalog.builder();
    for (String[] family : new String[][] {{"google", "gmail"}, {"github", "github"}}) {
      b.client(family[0], "sandbox-" + family[0], "sandbox-secret")
          .endpoints(family[0], sandbox.authorizationUrl(), sandbox.tokenUrl())
          .scopes(family[1], "openid", "email");
    }
    // The sandbox's first token answer loads its JWT stack: seconds on a busy machine.
    return b.requestTimeout(Duration.ofSeconds(30)).build();
  }

  @Bean
  ApiKeyCatalog apiKeyCatalog() {
    return new ApiKeyCatalog();
  }

  /** The one signed-in user of this demo, with no callback URL: after sign-in a person lands on tether-pages' page. */
  @Bean
  DemoUser demoUser(Tether tether) {
    Session session = tether.createSession("you", SessionOptions.builder().toolkits(TOOLKITS).build());
    return new DemoUser(session, new ChatAgent(session));
  }

  /** A ConnectionListener bean: the starter adds it to the engine. */
  @Bean(destroyMethod = "close")
  StatusEvents statusEvents(DemoUser user) {
    return new StatusEvents(user.session());
  }

  /**
   * Ends the live-badge streams as soon as the application starts closing: the web server's graceful
   * shutdown waits for open requests to finish, and an event stream never finishes on its own.
   */
  @Bean
  ApplicationListener<ContextClosedEvent> endStatusStreamsOnClose(StatusEvents events) {
    return closing -> events.close();
  }

  @Bean
  RouterFunction<ServerResponse> dashboardRoutes(DemoUser user, StatusEvents events) {
    return new DashboardRoutes(user, events).routes();
  }

  @Bean
  ApplicationRunner announce(@Value("${tether.redirect-uri}") String redirectUri, SandboxIdentityProvider sandbox) {
    return args -> {
      String base = redirectUri.substring(0, redirectUri.indexOf("/oauth/callback"));
      System.out.println();
      System.out.println("Tether sandbox on Spring Boot: open " + base + "/ in a browser. Gmail and GitHub sign in at"
          + " the sandbox (any user name), Exa asks for an API key (any 8 or more characters"
          + " without spaces). Health: " + base + "/actuator/health, metrics: " + base + "/actuator/metrics. Sandbox: "
          + sandbox.discoveryUrl() + ". Ctrl-C stops.");
    };
  }
}

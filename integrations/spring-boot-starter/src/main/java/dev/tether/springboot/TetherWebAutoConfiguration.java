package dev.tether.springboot;

import dev.tether.core.Tether;
import dev.tether.mcp.TetherMcpServlet;
import dev.tether.pages.ConnectEndpoints;
import dev.tether.pages.ConnectPages;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * What a servlet web application serves for Tether: the OAuth callback and connect-link endpoints
 * (answered by {@code tether-pages}' {@link ConnectEndpoints}, with the application's
 * {@link ConnectPages} bean when it has one) and, with {@code tether-mcp}, the MCP servlet under
 * the MCP base URL's path. Each backs off when the application defines its own.
 */
@AutoConfiguration(after = TetherAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnSingleCandidate(Tether.class)
public class TetherWebAutoConfiguration {
  /** For Spring. */
  public TetherWebAutoConfiguration() {}

  /** The callback and connect-link routes. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RouterFunction.class)
  @ConditionalOnProperty(prefix = "tether.web", name = "enabled", matchIfMissing = true)
  @ConditionalOnMissingBean(ConnectEndpoints.class)
  static class EndpointsConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "tetherRoutes")
    RouterFunction<ServerResponse> tetherRoutes(Tether tether, TetherProperties properties,
        ObjectProvider<ConnectPages> pages, ObjectProvider<EndpointObserver> observer) {
      return new TetherRoutes(tether, pages.getIfAvailable(ConnectPages::defaults),
          observer.getIfAvailable(() -> EndpointObserver.NONE)).routes(
          Paths.of("tether.web.callback-path", properties.web().callbackPath(), "tether.redirect-uri",
              properties.redirectUri(), "/oauth/callback"),
          Paths.of("tether.web.link-path", properties.web().linkPath(), "tether.connect-base-url",
              properties.connectBaseUrl(), "/link"));
    }
  }

  /** The MCP servlet, mapped under the path of {@code tether.mcp-base-url}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TetherMcpServlet.class)
  @ConditionalOnProperty(prefix = "tether", name = "mcp-base-url")
  @ConditionalOnProperty(prefix = "tether.mcp", name = "enabled", matchIfMissing = true)
  static class McpConfiguration {
    @Bean
    @ConditionalOnMissingBean(value = TetherMcpServlet.class, parameterizedContainer = ServletRegistrationBean.class)
    ServletRegistrationBean<TetherMcpServlet> tetherMcpServlet(Tether tether, TetherProperties properties) {
      TetherMcpServlet.Builder b = TetherMcpServlet.builder(tether);
      if (!properties.mcp().allowedOrigins().isEmpty()) {
        Settings.set("tether.mcp.allowed-origins",
            () -> b.allowedOrigins(properties.mcp().allowedOrigins().toArray(String[]::new)));
      }
      if (!properties.mcp().allowedHosts().isEmpty()) {
        Settings.set("tether.mcp.allowed-hosts", () -> b.allowedHosts(properties.mcp().allowedHosts().toArray(String[]::new)));
      }
      String path = Paths.of(null, null, "tether.mcp-base-url", properties.mcpBaseUrl(), "/mcp");
      ServletRegistrationBean<TetherMcpServlet> registration =
          new ServletRegistrationBean<>(b.build(), (path.equals("/") ? "" : path) + "/*");
      registration.setName("tetherMcp");
      return registration;
    }
  }
}

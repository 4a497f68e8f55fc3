package dev.tether.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionListener;
import dev.tether.core.Tether;
import dev.tether.mcp.TetherMcpServlet;
import dev.tether.pages.ConnectEndpoints;
import dev.tether.pages.ConnectPages;
import dev.tether.pages.Page;
import dev.tether.testkit.FakeToolkitProvider;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.servlet.function.RouterFunction;

class TetherWebAutoConfigurationTest {
  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class,
          WebMvcAutoConfiguration.class))
      .withBean(FakeToolkitProvider.class,
          () -> FakeToolkitProvider.builder().oauth2("gmail", "Gmail").apiKey("exa", "Exa").build())
      .withPropertyValues("tether.discover-providers=false",
          "tether.redirect-uri=http://localhost/oauth/callback", "tether.connect-base-url=http://localhost/link");

  private static MockHttpServletResponse perform(WebApplicationContext context,
      org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
    MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
    return mvc.perform(request).andReturn().getResponse();
  }

  @Test
  void callback_unknownState_isRejectedWithThePagesCsp() {
    runner.run(context -> {
      MockHttpServletResponse response = perform(context, get("/oauth/callback?state=forged&code=x"));
      assertThat(response.getStatus()).isEqualTo(400);
      assertThat(response.getHeader("Content-Security-Policy")).isEqualTo(ConnectPages.DEFAULT_CONTENT_SECURITY_POLICY);
      assertThat(response.getContentType()).startsWith("text/html");
      assertThat(response.getContentAsString()).contains("<html lang=\"en\"");
    });
  }

  @Test
  void callback_approved_connectsTheAccount() {
    runner.run(context -> {
      Tether tether = context.getBean(Tether.class);
      ConnectionRequest request = tether.createSession("u1").authorize("gmail");
      Map<String, String> approval = FakeToolkitProvider.approve(tether, request.redirectUrl(), "c1");
      MockHttpServletResponse response = perform(context, get("/oauth/callback")
          .queryParam("state", approval.get("state")).queryParam("code", "c1").queryParam("iss", approval.get("iss")));
      assertThat(response.getStatus()).isEqualTo(200);
      assertThat(tether.account(request.id()).orElseThrow().status().name()).isEqualTo("ACTIVE");
    });
  }

  @Test
  void link_apiKeyForm_showsTakesAndConnects() {
    runner.run(context -> {
      Tether tether = context.getBean(Tether.class);
      ConnectionRequest request = tether.createSession("u1").authorize("exa");
      String path = request.redirectUrl().getPath();
      assertThat(path).startsWith("/link/ln_");
      MockHttpServletResponse form = perform(context, get(path));
      assertThat(form.getStatus()).isEqualTo(200);
      assertThat(form.getContentAsString()).contains("type=\"password\"");

      MockHttpServletResponse wrong = perform(context, post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED)
          .param("api_key", "short"));
      assertThat(wrong.getStatus()).isEqualTo(400);
      assertThat(wrong.getContentAsString()).doesNotContain("value=\"short\"");

      MockHttpServletResponse right = perform(context, post(path).contentType(MediaType.APPLICATION_FORM_URLENCODED)
          .param("api_key", "exa-key-0123456789"));
      assertThat(right.getStatus()).isEqualTo(200);
      assertThat(tether.account(request.id()).orElseThrow().status().name()).isEqualTo("ACTIVE");
      assertThat(perform(context, get(path)).getStatus()).isEqualTo(404);
    });
  }

  /**
   * A link shown with {@code ?api_key=…} appended (an injected prompt can make an agent do that): the
   * form posts to its path without that query, and a post that carries one anyway connects what the
   * person typed, not what the query says.
   */
  @Test
  void link_formValues_comeFromTheBodyOnly_neverFromTheLinksQuery() {
    runner.run(context -> {
      Tether tether = context.getBean(Tether.class);
      ConnectionRequest request = tether.createSession("victim").authorize("exa");
      String path = request.redirectUrl().getPath();
      assertThat(perform(context, get(path + "?api_key=attacker-key-000")).getContentAsString())
          .contains("<form method=\"post\" action=\"?\"");

      MockHttpServletResponse r = perform(context, post(path + "?api_key=attacker-key-000")
          .contentType(MediaType.APPLICATION_FORM_URLENCODED).content("api_key=victims-own-key-111"));
      assertThat(r.getStatus()).isEqualTo(200);
      assertThat(tether.credentials(request.id()).accessToken().orElseThrow().reveal())
          .isEqualTo("victims-own-key-111");
    });
  }

  @Test
  void link_oauthToolkit_redirectsToTheProvider() {
    runner.run(context -> {
      ConnectionRequest request = context.getBean(Tether.class).createSession("u1").authorize("gmail");
      MockHttpServletResponse response = perform(context, get(request.redirectUrl().getPath()));
      assertThat(response.getStatus()).isEqualTo(303);
      assertThat(response.getHeader("Location")).startsWith(FakeToolkitProvider.ISSUER);
    });
  }

  @Test
  void paths_configured_areServedThere() {
    runner.withPropertyValues("tether.web.callback-path=/cb", "tether.web.link-path=/connect/").run(context -> {
      assertThat(perform(context, get("/cb?state=forged")).getStatus()).isEqualTo(400);
      assertThat(perform(context, get("/connect/ln_unknown")).getStatus()).isEqualTo(404);
      assertThat(perform(context, get("/oauth/callback?state=forged")).getStatus()).isEqualTo(404);
    });
  }

  @Test
  void paths_notConfigured_followThePublicUrls() {
    runner.withPropertyValues("tether.redirect-uri=", "tether.connect-base-url=").run(context -> {
      assertThat(perform(context, get("/oauth/callback?state=forged")).getStatus()).isEqualTo(400);
      assertThat(perform(context, get("/link/ln_unknown")).getStatus()).isEqualTo(404);
    });
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class,
            WebMvcAutoConfiguration.class))
        .withPropertyValues("tether.discover-providers=false", "tether.redirect-uri=https://app.test/auth/return",
            "tether.connect-base-url=https://app.test/c")
        .run(context -> {
          assertThat(perform(context, get("/auth/return?state=forged")).getStatus()).isEqualTo(400);
          assertThat(perform(context, get("/c/ln_unknown")).getStatus()).isEqualTo(404);
        });
  }

  @Test
  void routes_disabled_areNotRegistered() {
    runner.withPropertyValues("tether.web.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("tetherRoutes"));
  }

  @Test
  void routes_applicationDefinesConnectEndpoints_backOff() {
    runner.withBean("ownEndpoints", ConnectEndpoints.class, () -> ConnectEndpoints.builder(
            Tether.builder().discoverProviders(false).build()).build())
        .run(context -> assertThat(context).doesNotHaveBean("tetherRoutes"));
  }

  @Test
  void routes_applicationDefinesTetherRoutes_backOff() {
    RouterFunction<?> own = org.springframework.web.servlet.function.RouterFunctions.route()
        .GET("/own", r -> org.springframework.web.servlet.function.ServerResponse.ok().build()).build();
    runner.withBean("tetherRoutes", RouterFunction.class, () -> own)
        .run(context -> assertThat(context).getBean("tetherRoutes").isSameAs(own));
  }

  @Test
  void routes_applicationPages_areUsed() {
    ConnectPages own = new ConnectPages() {
      private final ConnectPages d = ConnectPages.defaults();

      @Override
      public Page form(dev.tether.core.ConnectLink link, Map<String, String> entered, java.util.List<String> problems) {
        return d.form(link, entered, problems);
      }

      @Override
      public Page continueToSignIn(String toolkitName) {
        return d.continueToSignIn(toolkitName);
      }

      @Override
      public Page connected(String toolkitName, java.util.Optional<URI> next) {
        return d.connected(toolkitName, next);
      }

      @Override
      public Page failed(String toolkitName, String errorCode) {
        return d.failed(toolkitName, errorCode);
      }

      @Override
      public Page linkUnavailable() {
        return Page.html(410, "<!doctype html><html lang=\"en\"><title>Gone</title><h1>Gone</h1></html>",
            "default-src 'none'");
      }

      @Override
      public Page callbackRejected(String errorCode) {
        return d.callbackRejected(errorCode);
      }
    };
    runner.withBean(ConnectPages.class, () -> own).run(context -> {
      MockHttpServletResponse response = perform(context, get("/link/ln_unknown"));
      assertThat(response.getStatus()).isEqualTo(410);
      assertThat(response.getHeader("Content-Security-Policy")).isEqualTo("default-src 'none'");
    });
  }

  @Test
  void routes_withoutSpringMvc_areNotRegistered() {
    runner.withClassLoader(new FilteredClassLoader(RouterFunction.class))
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tetherRoutes"));
  }

  @Test
  void web_notAWebApplication_registersNothing() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class))
        .withPropertyValues("tether.discover-providers=false", "tether.mcp-base-url=https://app.test/mcp")
        .run(context -> assertThat(context).hasSingleBean(Tether.class).doesNotHaveBean("tetherRoutes")
            .doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void twoTetherBeans_theStarterAddsNothingThatWouldNeedToChooseOne() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherAutoConfiguration.class, TetherWebAutoConfiguration.class,
            TetherMetricsAutoConfiguration.class, TetherHealthAutoConfiguration.class, WebMvcAutoConfiguration.class))
        .withBean("tenantA", Tether.class, () -> Tether.builder().discoverProviders(false).build())
        .withBean("tenantB", Tether.class, () -> Tether.builder().discoverProviders(false).build())
        .withBean(ConnectionListener.class, () -> event -> { })
        .withPropertyValues("tether.mcp-base-url=https://app.test/mcp")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tetherRoutes")
            .doesNotHaveBean(ServletRegistrationBean.class).doesNotHaveBean(TetherMetrics.class)
            .doesNotHaveBean(TetherHealthIndicator.class));
  }

  @Test
  void web_noTetherBean_registersNothing() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TetherWebAutoConfiguration.class, WebMvcAutoConfiguration.class))
        .withPropertyValues("tether.mcp-base-url=https://app.test/mcp")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("tetherRoutes")
            .doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void paths_invalid_failAtStartupNamingTheProperty() {
    runner.withPropertyValues("tether.web.callback-path=/oauth/call back").run(context ->
        assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageStartingWith("Invalid tether.web.callback-path: '/oauth/call back' is not a servlet path"));
  }

  @Test
  void mcp_badAllowedHost_failsAtStartupNamingTheProperty() {
    runner.withPropertyValues("tether.mcp-base-url=https://app.test/mcp", "tether.mcp.allowed-hosts=https://proxy.test/")
        .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
            .hasMessageStartingWith("Invalid tether.mcp.allowed-hosts: "));
  }

  @Test
  void mcp_baseUrlSet_servletIsMappedUnderItsPath() {
    runner.withPropertyValues("tether.mcp-base-url=https://app.test/agents/mcp/").run(context -> {
      ServletRegistrationBean<?> registration = context.getBean(ServletRegistrationBean.class);
      assertThat(registration.getServlet()).isInstanceOf(TetherMcpServlet.class);
      assertThat(registration.getUrlMappings()).containsExactly("/agents/mcp/*");
    });
  }

  @Test
  void mcp_noBaseUrl_isNotRegistered() {
    runner.run(context -> assertThat(context).doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void mcp_disabled_isNotRegistered() {
    runner.withPropertyValues("tether.mcp-base-url=https://app.test/mcp", "tether.mcp.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(ServletRegistrationBean.class));
  }

  @Test
  void mcp_withoutTheMcpModule_isNotRegistered() {
    runner.withClassLoader(new FilteredClassLoader(TetherMcpServlet.class))
        .withPropertyValues("tether.mcp-base-url=https://app.test/mcp")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ServletRegistrationBean.class));
  }

  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class OwnMcp {
    @org.springframework.context.annotation.Bean
    ServletRegistrationBean<TetherMcpServlet> ownMcp(Tether tether) {
      return new ServletRegistrationBean<>(new TetherMcpServlet(tether), "/own/*");
    }
  }

  @Test
  void mcp_applicationRegistersTheServlet_backsOff() {
    runner.withPropertyValues("tether.mcp-base-url=https://app.test/mcp")
        .withUserConfiguration(OwnMcp.class)
        .run(context -> assertThat(context.getBeansOfType(ServletRegistrationBean.class)).containsOnlyKeys("ownMcp"));
  }
}

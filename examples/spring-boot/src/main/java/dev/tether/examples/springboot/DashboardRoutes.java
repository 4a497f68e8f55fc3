package dev.tether.examples.springboot;

import dev.tether.core.ConnectionRequest;
import dev.tether.pages.Page;
import java.net.URI;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The application's own pages, beside the starter's callback, connect-link and MCP endpoints:
 * {@code GET /} the dashboard, {@code GET /events} its live badges, {@code POST /chat} a chat turn and
 * {@code GET /connect/{toolkit}} the start of a connection (a redirect to the engine's connect link).
 */
final class DashboardRoutes {
  private final DemoUser user;
  private final StatusEvents events;

  DashboardRoutes(DemoUser user, StatusEvents events) {
    this.user = user;
    this.events = events;
  }

  RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .GET("/", r -> send(Dashboard.render(user.session(), user.session().toolkits().items(), user.agent())))
        .GET("/events", r -> events.subscribe())
        .POST("/chat", this::chat)
        .GET("/connect/{toolkit}", this::connect)
        .build();
  }

  private ServerResponse connect(ServerRequest request) {
    String toolkit = request.pathVariable("toolkit");
    try {
      ConnectionRequest started = user.session().authorize(toolkit);
      return send(Page.redirect(started.redirectUrl()));
    } catch (RuntimeException e) {
      // The engine's messages name the toolkit and the fix, never a secret.
      return send(Dashboard.message(400, "Cannot connect " + toolkit, e.getMessage()));
    }
  }

  private ServerResponse chat(ServerRequest request) {
    // Browsers say where a form came from: another site's page may not drive this user's chat.
    String site = request.headers().firstHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return send(Dashboard.message(403, "Not allowed", "The chat only takes messages from the dashboard."));
    }
    if (request.param("reset").isPresent()) {
      user.agent().reset();
    } else {
      user.agent().hear(request.param("message").orElse(""));
    }
    URI self = request.uri();
    return send(Page.redirect(URI.create(self.getScheme() + "://" + self.getRawAuthority() + "/#chat")));
  }

  private static ServerResponse send(Page page) {
    ServerResponse.BodyBuilder response = ServerResponse.status(page.status());
    page.headers().forEach((name, value) -> response.header(name, value));
    return page.html().isEmpty() ? response.build() : response.body(page.html());
  }
}

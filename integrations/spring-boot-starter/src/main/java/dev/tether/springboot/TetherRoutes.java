package dev.tether.springboot;

import dev.tether.core.Tether;
import dev.tether.pages.ConnectEndpoints;
import dev.tether.pages.ConnectPages;
import dev.tether.pages.Page;
import java.util.Map;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The endpoints a browser reaches, as Spring MVC functional routes: each request goes to
 * {@link ConnectEndpoints} as it stands and its {@link Page} goes back as it stands. Thread-safe.
 */
final class TetherRoutes {
  private final Tether tether;
  private final ConnectPages pages;
  private final EndpointObserver observer;

  TetherRoutes(Tether tether, ConnectPages pages, EndpointObserver observer) {
    this.tether = tether;
    this.pages = pages;
    this.observer = observer;
  }

  RouterFunction<ServerResponse> routes(String callbackPath, String linkPath) {
    return RouterFunctions.route()
        .GET(callbackPath, this::callback)
        .GET(linkPath + "/{linkId}", r -> link(r, "open"))
        .POST(linkPath + "/{linkId}", r -> link(r, "submit"))
        .build();
  }

  private ServerResponse callback(ServerRequest request) {
    long started = System.nanoTime();
    OutcomePages seen = new OutcomePages(pages);
    Page page = endpoints(seen).callback(request.uri());
    String outcome = seen.outcome();
    if (outcome.equals("redirect")) {
      // The engine appends status=success|failed to the callback URL it redirects to.
      String status = page.header("Location").map(l -> UriComponentsBuilder.fromUriString(l).build()
          .getQueryParams().getFirst("status")).orElse(null);
      outcome = "success".equals(status) ? "success" : "failed";
    } else if (outcome.equals("connected")) {
      outcome = "success";
    }
    observer.callback(outcome, System.nanoTime() - started);
    return send(page);
  }

  private ServerResponse link(ServerRequest request, String action) {
    long started = System.nanoTime();
    OutcomePages seen = new OutcomePages(pages);
    String linkId = request.pathVariable("linkId");
    Page page = action.equals("open") ? endpoints(seen).link(linkId)
        : endpoints(seen).submit(linkId, formValues(request));
    observer.connectLink(action, seen.outcome(), System.nanoTime() - started);
    return send(page);
  }

  private ConnectEndpoints endpoints(OutcomePages seen) {
    return ConnectEndpoints.builder(tether).pages(seen).build();
  }

  private static Map<String, String> formValues(ServerRequest request) {
    return request.params().toSingleValueMap();
  }

  /** The page as it stands: status, headers (its Content-Security-Policy among them) and body. */
  static ServerResponse send(Page page) {
    ServerResponse.BodyBuilder response = ServerResponse.status(page.status());
    page.headers().forEach((name, value) -> response.header(name, value));
    return page.html().isEmpty() ? response.build() : response.body(page.html());
  }
}

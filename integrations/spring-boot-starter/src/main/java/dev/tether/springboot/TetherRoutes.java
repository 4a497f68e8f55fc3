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

  /**
   * The form's fields from the request body only. A servlet container merges the query's parameters
   * into the body's, the query's first, so a link shown with {@code ?api_key=…} appended would
   * otherwise connect whatever that query says, not what the person typed; each name's first values,
   * as many as the query holds, are the query's and are dropped.
   */
  static Map<String, String> formValues(ServerRequest request) {
    Map<String, Integer> inQuery = new java.util.HashMap<>();
    UriComponentsBuilder.fromUri(request.uri()).build().getQueryParams()
        .forEach((name, values) -> inQuery.merge(decoded(name), values.size(), Integer::sum));
    Map<String, String> body = new java.util.LinkedHashMap<>();
    request.params().forEach((name, values) -> {
      int skip = inQuery.getOrDefault(name, 0);
      if (values.size() > skip) {
        body.put(name, values.get(skip));
      }
    });
    return body;
  }

  private static String decoded(String name) {
    try {
      return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException malformed) {
      return name; // the container cannot have read it as another name either
    }
  }

  /** The page as it stands: status, headers (its Content-Security-Policy among them) and body. */
  static ServerResponse send(Page page) {
    ServerResponse.BodyBuilder response = ServerResponse.status(page.status());
    page.headers().forEach((name, value) -> response.header(name, value));
    return page.html().isEmpty() ? response.build() : response.body(page.html());
  }
}

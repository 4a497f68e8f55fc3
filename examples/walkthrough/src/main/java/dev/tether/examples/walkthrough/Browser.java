package dev.tether.examples.walkthrough;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Plays the user's browser: opens links following every redirect, and submits forms. */
final class Browser {
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

  /** Opens {@code link} and returns the page the redirects end on. */
  HttpResponse<String> open(URI link) {
    return send(HttpRequest.newBuilder(link).GET().build());
  }

  /**
   * Opens {@code link} and, where the sandbox shows its sign-in page (it does for a request with
   * {@code prompt}, and always in interactive mode), signs in as {@code username} the way a person
   * would; returns the page the redirects end on.
   */
  HttpResponse<String> signIn(URI link, String username) {
    HttpResponse<String> page = open(link);
    if (page.statusCode() == 200 && page.body().contains("name=\"username\"")) {
      page = submit(page.uri(), Map.of("username", username, "claims", ""));
    }
    return page;
  }

  /** Posts a form to {@code action} and returns the page the redirects end on. */
  HttpResponse<String> submit(URI action, Map<String, String> fields) {
    String body = fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(action).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

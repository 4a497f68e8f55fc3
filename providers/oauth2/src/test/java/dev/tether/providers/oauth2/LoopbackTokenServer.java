package dev.tether.providers.oauth2;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A JDK HttpServer on loopback playing a token endpoint: answers with a scripted status, content
 * type and body, records each request, and can hold requests unanswered so that a
 * {@link CuedTimeoutHttpClient} times them out.
 */
final class LoopbackTokenServer implements AutoCloseable {
  record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  final List<Recorded> requests = new CopyOnWriteArrayList<>();
  volatile int status = 200;
  volatile String contentType = "application/json";
  volatile String body = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
  private final CountDownLatch release = new CountDownLatch(1);
  private final CompletableFuture<Void> holding = new CompletableFuture<>();
  private volatile boolean hold;
  /** Plays GitHub: a form-encoded answer unless the request asks for JSON. */
  volatile boolean formUnlessJsonAccepted;

  LoopbackTokenServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String requestBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), requestBody));
      String answerType = contentType;
      String answer = body;
      if (formUnlessJsonAccepted && !"application/json".equals(exchange.getRequestHeaders().getFirst("Accept"))) {
        answerType = "application/x-www-form-urlencoded";
        answer = "access_token=form-token&scope=repo&token_type=bearer";
      }
      if (hold) {
        holding.complete(null);
        try {
          // Until close(); the bound only keeps a broken test from leaving the thread behind.
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", answerType);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
      exchange.close();
    });
    server.start();
  }

  URI tokenUrl() {
    return URI.create(base() + "/token");
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /**
   * From now on, leaves every request unanswered until {@link #close()}. The returned stage
   * completes when the first such request has arrived: the cue for a {@link CuedTimeoutHttpClient}.
   */
  CompletionStage<Void> holdRequests() {
    hold = true;
    return holding;
  }

  void answer(int newStatus, String newBody) {
    status = newStatus;
    body = newBody;
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
  }
}

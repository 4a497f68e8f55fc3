package dev.tether.store.postgres;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token endpoint on loopback the test controls: it answers each token request with fresh tokens,
 * or, when {@linkplain #hold() holding}, takes the request and answers nothing until released, so
 * a test can kill a node in the middle of an exchange.
 */
final class TokenEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile CountDownLatch arrived = new CountDownLatch(1);
  private volatile CountDownLatch release = new CountDownLatch(0);

  TokenEndpoint() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/token", exchange -> {
      int n = requests.incrementAndGet();
      exchange.getRequestBody().readAllBytes();
      arrived.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      byte[] body = ("{\"access_token\":\"durable-access-" + n + "\",\"refresh_token\":\"durable-refresh-" + n
          + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      try {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } catch (IOException gone) {
        // the node that asked was killed
      }
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  int requests() {
    return requests.get();
  }

  /** From now on, requests are taken and left unanswered until {@link #answer()}. */
  void hold() {
    arrived = new CountDownLatch(1);
    release = new CountDownLatch(1);
  }

  /** Waits for a request to arrive (while holding). */
  boolean awaitRequest(long seconds) throws InterruptedException {
    return arrived.await(seconds, TimeUnit.SECONDS);
  }

  /** Answers held and later requests. */
  void answer() {
    release.countDown();
  }

  @Override
  public void close() {
    answer();
    server.stop(0);
    threads.shutdownNow();
  }
}

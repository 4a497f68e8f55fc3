package dev.tether.providers.oauth2;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A JDK {@link HttpClient} for tests that need a request to time out: it forwards every request to
 * a real client and records it, and on cue makes one request time out. That request really reaches
 * the server, which holds it; when the cue completes (typically: the server has the request),
 * {@link #send} throws the {@link HttpTimeoutException} the JDK client throws when a request's
 * timeout passes. The test decides when the timeout happens, so no sub-second budget races a real
 * server and a busy machine cannot change the outcome.
 *
 * <p>Public, and shipped in this module's test jar, so the engine's tests use the same double.
 * Thread-safe.
 */
public final class CuedTimeoutHttpClient extends HttpClient {
  private final HttpClient delegate = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10))
      .followRedirects(Redirect.NEVER)
      .build();
  private final List<HttpRequest> sent = new CopyOnWriteArrayList<>();
  private final Queue<CompletionStage<?>> cues = new ConcurrentLinkedQueue<>();

  /**
   * Makes the next request sent time out as soon as {@code cue} completes. Until then the request
   * waits for the server's answer as usual; an answer that arrives first is returned (and the
   * test's timeout assertion fails, as it should).
   */
  public CuedTimeoutHttpClient timeOutNextRequestOn(CompletionStage<?> cue) {
    cues.add(cue);
    return this;
  }

  /** Every request sent so far, oldest first. */
  public List<HttpRequest> sent() {
    return List.copyOf(sent);
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    sent.add(request);
    CompletionStage<?> cue = cues.poll();
    CompletableFuture<HttpResponse<T>> response = delegate.sendAsync(request, handler);
    try {
      if (cue != null) {
        CompletableFuture.anyOf(response, cue.toCompletableFuture()).get();
        if (!response.isDone()) {
          response.cancel(true);
          throw new HttpTimeoutException("request timed out (on the test's cue)");
        }
      }
      return response.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      response.cancel(true);
      throw e;
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> handler) {
    sent.add(request);
    return delegate.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
      HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    sent.add(request);
    return delegate.sendAsync(request, handler, pushPromiseHandler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}

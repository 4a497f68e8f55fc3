package dev.tether.providers.kit;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one {@link HttpClient} that providers share when they are not given their own.
 *
 * <p>Created on first use, never when a provider is constructed (a discovered provider is built
 * while the engine is, and must do no I/O then). It never follows redirects: a token endpoint that
 * redirects would have the grant and the client credentials posted again to wherever it points.
 *
 * <p>Thread-safe: the JDK client is.
 */
public final class HttpClients {
  /** How long the shared client waits for a connection: 10 s. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private HttpClients() {}

  /**
   * The shared client.
   *
   * @return the same client on every call: {@link #CONNECT_TIMEOUT}, {@link HttpClient.Redirect#NEVER}
   */
  public static HttpClient shared() {
    return Holder.INSTANCE;
  }

  /** Initialised on the first call to {@link #shared()} (the JVM's lazy class initialisation). */
  private static final class Holder {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}

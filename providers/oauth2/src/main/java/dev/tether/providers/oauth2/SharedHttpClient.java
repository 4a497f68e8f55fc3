package dev.tether.providers.oauth2;

import java.net.http.HttpClient;
import java.time.Duration;

/** One HTTP client for every toolkit built without its own; created on first use, never in a constructor. */
final class SharedHttpClient {
  private SharedHttpClient() {}

  static HttpClient get() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final HttpClient INSTANCE = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }
}

package dev.tether.providers.oauth2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Posts grants to an OAuth 2.0 token endpoint and turns the answer into {@link Credentials} or a
 * classified {@link ProviderException}. Never puts a secret or a raw upstream body in a message.
 */
final class TokenEndpoint {
  /** Longest {@code expires_in} believed: ten years. Anything above is an upstream bug. */
  static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 425, 429);

  private final String toolkit;
  private final URI tokenUrl;
  private final Supplier<HttpClient> http;
  private final Duration timeout;
  private final boolean basicAuth;

  TokenEndpoint(String toolkit, URI tokenUrl, Supplier<HttpClient> http, Duration timeout, boolean basicAuth) {
    this.toolkit = toolkit;
    this.tokenUrl = tokenUrl;
    this.http = http;
    this.timeout = timeout;
    this.basicAuth = basicAuth;
  }

  /**
   * Posts {@code form} (client credentials are added per the client-authentication method) and
   * parses the token response.
   *
   * @param previous credentials whose refresh token and scopes are kept when the response omits them
   */
  Credentials post(
      Map<String, String> form,
      String clientId,
      String clientSecret,
      Instant now,
      Duration defaultLifetime,
      List<String> requestedScopes,
      Optional<Credentials> previous) {
    var body = new java.util.LinkedHashMap<>(form);
    HttpRequest.Builder request = HttpRequest.newBuilder(tokenUrl)
        .timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json");
    if (basicAuth && clientSecret != null) {
      String pair = FormBodies.encode(clientId) + ":" + FormBodies.encode(clientSecret);
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      body.put("client_id", clientId);
      if (clientSecret != null) {
        body.put("client_secret", clientSecret);
      }
    }
    request.POST(HttpRequest.BodyPublishers.ofString(FormBodies.encode(body)));

    HttpResponse<String> response;
    try {
      response = http.get().send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw ProviderException.transientFailure("timeout",
          "Token endpoint of '" + toolkit + "' did not answer within " + timeout + "; retry later");
    } catch (IOException e) {
      throw ProviderException.transientFailure("io_error",
          "Token endpoint of '" + toolkit + "' could not be reached (" + e.getClass().getSimpleName()
              + "); retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.transientFailure("interrupted",
          "Interrupted while calling the token endpoint of '" + toolkit + "'");
    }
    return parse(response.statusCode(), response.body(), now, defaultLifetime, requestedScopes,
        previous);
  }

  Credentials parse(
      int status,
      String body,
      Instant now,
      Duration defaultLifetime,
      List<String> requestedScopes,
      Optional<Credentials> previous) {
    if (status >= 500 || RETRYABLE_4XX.contains(status)) {
      throw ProviderException.transientFailure("http_" + status,
          "Token endpoint of '" + toolkit + "' answered HTTP " + status + "; retry later");
    }
    JsonNode json;
    try {
      json = JSON.readTree(body == null ? "" : body);
    } catch (IOException e) {
      json = null;
    }
    if (json != null && json.hasNonNull("error")) {
      String code = ProviderException.sanitize(json.get("error").asText());
      throw ProviderException.definitive(code,
          "Token endpoint of '" + toolkit + "' rejected the grant (" + code + ")");
    }
    if (status >= 400) {
      throw ProviderException.definitive("http_" + status,
          "Token endpoint of '" + toolkit + "' answered HTTP " + status);
    }
    if (json == null || !json.isObject()) {
      throw ProviderException.transientFailure("invalid_token_response",
          "Token endpoint of '" + toolkit + "' answered with something other than a JSON object");
    }
    JsonNode access = json.get("access_token");
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      throw ProviderException.transientFailure("invalid_token_response",
          "Token endpoint of '" + toolkit + "' answered without an access_token");
    }
    Credentials.Builder out = previous.map(Credentials::toBuilder)
        .orElseGet(() -> Credentials.builder(AuthScheme.OAUTH2))
        .accessToken(access.asText())
        .expiresAt(now.plus(lifetime(json.get("expires_in"), defaultLifetime)));
    JsonNode refresh = json.get("refresh_token");
    if (refresh != null && refresh.isTextual() && !refresh.asText().isEmpty()) {
      out.refreshToken(refresh.asText());
    }
    JsonNode scope = json.get("scope");
    if (scope != null && scope.isTextual() && !scope.asText().isBlank()) {
      out.scopes(Arrays.asList(scope.asText().trim().split("[ ,]+")));
    } else if (previous.isEmpty()) {
      out.scopes(requestedScopes);
    }
    JsonNode tokenType = json.get("token_type");
    if (tokenType != null && tokenType.isTextual()) {
      out.attribute("token_type", tokenType.asText());
    }
    return out.build();
  }

  private Duration lifetime(JsonNode expiresIn, Duration defaultLifetime) {
    if (expiresIn == null || expiresIn.isNull()) {
      return defaultLifetime;
    }
    long seconds;
    if (expiresIn.isIntegralNumber() && expiresIn.canConvertToLong()) {
      seconds = expiresIn.asLong();
    } else if (expiresIn.isTextual() && expiresIn.asText().matches("\\d{1,12}")) {
      seconds = Long.parseLong(expiresIn.asText());
    } else {
      throw ProviderException.transientFailure("invalid_token_response",
          "Token endpoint of '" + toolkit + "' sent an expires_in that is not a whole number");
    }
    if (seconds < 0 || seconds > MAX_EXPIRES_IN_SECONDS) {
      throw ProviderException.transientFailure("invalid_token_response",
          "Token endpoint of '" + toolkit + "' sent expires_in=" + seconds
              + ", outside 0.." + MAX_EXPIRES_IN_SECONDS + " seconds");
    }
    return Duration.ofSeconds(seconds);
  }
}

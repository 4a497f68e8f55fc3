package dev.tether.providers.oauth2;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.providers.kit.FormCodec;
import dev.tether.providers.kit.HttpOutcomes;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Posts grants to an OAuth 2.0 token endpoint and turns the answer into {@link Credentials} or a
 * {@link ProviderException} classified by {@link HttpOutcomes}, following the spec's quirks (JSON
 * bodies, Basic client authentication, nested tokens, HTTP-200 errors, form-encoded answers).
 * Never puts a secret or raw upstream text in a message. Thread-safe.
 */
final class TokenEndpoint {
  /** Longest {@code expires_in} believed: ten years. Anything above is an upstream bug. */
  static final long MAX_EXPIRES_IN_SECONDS = 10L * 365 * 24 * 3600;
  /** Token responses larger than this many bytes are refused, not read further. */
  static final int MAX_RESPONSE_BYTES = 256 * 1024;

  /**
   * Reads token answers as strictly as forms are read: a name given twice ({@code access_token}
   * twice, which token wins?) or content after the object makes the answer unreadable.
   */
  private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private final OAuth2Spec spec;
  private final Supplier<HttpClient> http;
  private final Duration timeout;

  TokenEndpoint(OAuth2Spec spec, Supplier<HttpClient> http, Duration timeout) {
    this.spec = spec;
    this.http = http;
    this.timeout = timeout;
  }

  /** What messages call the endpoint. */
  private String upstream() {
    return "Token endpoint of '" + spec.slug() + "'";
  }

  /**
   * Posts {@code form} to {@code tokenUrl} (client credentials added per the spec) and parses the
   * token response.
   *
   * @param previous credentials whose refresh token, scopes and attributes are kept when the
   *     response omits them (a refresh)
   */
  Credentials post(URI tokenUrl, Map<String, String> form, String clientId, String clientSecret, Instant now,
      Optional<Credentials> previous) {
    Map<String, String> body = new LinkedHashMap<>(form);
    HttpRequest.Builder request = HttpRequest.newBuilder(tokenUrl).timeout(timeout)
        .header("Accept", "application/json");
    spec.tokenHeaders().forEach(request::setHeader);
    if (spec.basicAuth() && clientSecret != null) {
      // RFC 6749 §2.3.1: both are form-encoded before they are joined.
      String pair = FormCodec.encode(clientId) + ":" + FormCodec.encode(clientSecret);
      request.header("Authorization",
          "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      body.put("client_id", clientId);
      if (clientSecret != null) {
        body.put("client_secret", clientSecret);
      }
    }
    if (spec.jsonBody()) {
      ObjectNode json = JSON.createObjectNode();
      body.forEach(json::put);
      request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.toString()));
    } else {
      request.header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(FormCodec.encode(body)));
    }
    HttpResponse<String> response = HttpOutcomes.send(http.get(), request.build(), upstream(), MAX_RESPONSE_BYTES);
    return parse(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
        response.body(), now, previous);
  }

  Credentials parse(int status, String contentType, String body, Instant now, Optional<Credentials> previous) {
    if (HttpOutcomes.isTransient(status)) {
      throw HttpOutcomes.failure(status, upstream());
    }
    JsonNode root = read(contentType, body == null ? "" : body);
    if (root != null && hasError(root)) {
      throw HttpOutcomes.rejected(upstream(), root.path("error").asText(null));
    }
    if (HttpOutcomes.isFailure(status)) {
      throw HttpOutcomes.failure(status, upstream());
    }
    if (root == null || !root.isObject()) {
      throw invalid("answered with something other than a JSON object");
    }
    JsonNode nested = spec.tokenPath().map(path -> root.at("/" + path.replace(".", "/"))).orElse(root);
    // A refresh answers the token it refreshed at the top level (Slack's rotation answers so, though
    // its first answer nests the user token under authed_user); an exchange never falls back, as
    // its top level may hold another token (Slack's bot token).
    JsonNode token = !nested.has("access_token") && previous.isPresent() && root.has("access_token") ? root : nested;
    if (!token.isObject()) {
      throw invalid("answered without the '" + spec.tokenPath().orElse("") + "' object its tokens are under");
    }
    JsonNode access = token.get("access_token");
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      throw invalid("answered without an access_token");
    }
    Credentials.Builder out = previous.map(Credentials::toBuilder)
        .orElseGet(() -> Credentials.builder(AuthScheme.OAUTH2))
        .accessToken(access.asText())
        .expiresAt(now.plus(lifetime(token.get("expires_in"))));
    JsonNode refresh = token.get("refresh_token");
    if (refresh != null && refresh.isTextual() && !refresh.asText().isEmpty()) {
      out.refreshToken(refresh.asText());
    }
    JsonNode scope = token.get("scope");
    if (scope != null && scope.isTextual() && !scope.asText().isBlank()) {
      out.scopes(Arrays.asList(scope.asText().trim().split("[ ,]+")));
    } else if (previous.isEmpty()) {
      out.scopes(spec.scopes());
    }
    JsonNode tokenType = token.get("token_type");
    if (tokenType != null && tokenType.isTextual()) {
      out.attribute("token_type", tokenType.asText());
    }
    for (String attribute : spec.keepAttributes()) {
      JsonNode value = root.get(attribute);
      if (value != null && value.isValueNode() && !value.isNull()) {
        out.attribute(attribute, value.asText());
      }
    }
    return out.build();
  }

  /** HTTP-200 errors: an {@code error} member, or the spec's ok-field set to false. */
  private boolean hasError(JsonNode root) {
    if (!root.isObject()) {
      return false;
    }
    if (spec.okField().isPresent()) {
      JsonNode ok = root.get(spec.okField().get());
      if (ok != null && ok.isBoolean() && !ok.asBoolean()) {
        return true;
      }
    }
    return root.hasNonNull("error") && !root.hasNonNull("access_token");
  }

  /**
   * JSON, or a form-encoded answer (what GitHub sends without {@code Accept: application/json});
   * null when it is neither, or a form that repeats a name or has a malformed escape.
   */
  private JsonNode read(String contentType, String body) {
    boolean form = contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")
        || (!body.isBlank() && !body.stripLeading().startsWith("{") && !body.stripLeading().startsWith("[")
            && body.contains("=") && !body.contains("<"));
    if (form) {
      ObjectNode node = JSON.createObjectNode();
      try {
        FormCodec.decodeUnique(body.strip()).forEach(node::put);
      } catch (IllegalArgumentException unreadable) {
        return null;
      }
      return node;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private Duration lifetime(JsonNode expiresIn) {
    if (expiresIn == null || expiresIn.isNull()) {
      return spec.defaultTokenLifetime();
    }
    long seconds;
    if (expiresIn.isIntegralNumber() && expiresIn.canConvertToLong()) {
      seconds = expiresIn.asLong();
    } else if (expiresIn.isFloatingPointNumber() && expiresIn.canConvertToExactIntegral()
        && expiresIn.canConvertToLong()) {
      seconds = expiresIn.asLong(); // 3600.0: a whole number written as a float
    } else if (expiresIn.isTextual() && expiresIn.asText().matches("-?\\d{1,12}")) {
      seconds = Long.parseLong(expiresIn.asText());
    } else {
      throw invalid("sent an expires_in that is not a whole number");
    }
    if (seconds < 0 || seconds > MAX_EXPIRES_IN_SECONDS) {
      throw invalid("sent expires_in=" + seconds + ", outside 0.." + MAX_EXPIRES_IN_SECONDS + " seconds");
    }
    return Duration.ofSeconds(seconds);
  }

  private ProviderException invalid(String what) {
    return HttpOutcomes.unreadable(upstream(), what);
  }
}

package dev.tether.examples.acme;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An example provider plugin for a fictional "Acme CRM": OAuth 2.0 with PKCE, an upstream that
 * answers its token endpoint form-encoded, and a public "Acme Status" toolkit that needs no auth.
 *
 * <p>What every plugin does: a public no-argument constructor that does no I/O (configuration is
 * read when first needed), {@link #toolkits()} describing what it serves, and {@link #authorize},
 * {@link #exchange} and {@link #refresh} that throw only {@link ProviderException}s saying whether a
 * retry can help and never containing a secret. It is registered in {@code module-info.java}
 * ({@code provides}) and in {@code META-INF/services/dev.tether.spi.ToolkitProvider}.
 *
 * <p>Configuration: system properties {@code acme.base-url} (default {@code https://auth.acme.example}),
 * {@code acme.client-id} and {@code acme.client-secret}, else environment variables
 * {@code ACME_BASE_URL}, {@code ACME_CLIENT_ID}, {@code ACME_CLIENT_SECRET}. Thread-safe.
 */
public final class AcmeProvider implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  private static final ToolkitDescriptor CRM = new ToolkitDescriptor("acme_crm", "Acme CRM", AuthScheme.OAUTH2);
  private static final ToolkitDescriptor STATUS = new ToolkitDescriptor("acme_status", "Acme Status", AuthScheme.NONE);
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** For ServiceLoader: no I/O here. */
  public AcmeProvider() {}

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(CRM, STATUS);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return Optional.of(baseUrl());
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", clientId());
    query.put("redirect_uri", request.redirectUri().toString());
    query.put("scope", "contacts.read contacts.write");
    query.put("state", request.state().reveal());
    query.put("code_challenge", request.codeChallenge());
    query.put("code_challenge_method", AuthorizationRequest.CODE_CHALLENGE_METHOD);
    return AuthorizationLink.of(URI.create(baseUrl() + "/oauth/authorize?" + encode(query)));
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", request.parameter("code").orElseThrow(() ->
        ProviderException.definitive("missing_code", "The Acme callback carried no code")));
    form.put("redirect_uri", request.redirectUri().toString());
    form.put("code_verifier", request.codeVerifier().reveal());
    return token(form, request.now(), null);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    String refreshToken = request.credentials().refreshToken().orElseThrow(() ->
        ProviderException.definitive("no_refresh_token", "The Acme account has no refresh token; reconnect it"))
        .reveal();
    return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), request.now(),
        request.credentials());
  }

  private Credentials token(Map<String, String> grant, Instant now, Credentials previous) {
    Map<String, String> form = new LinkedHashMap<>(grant);
    form.put("client_id", clientId());
    form.put("client_secret", setting("acme.client-secret", "ACME_CLIENT_SECRET"));
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/oauth/token")).timeout(TIMEOUT)
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw ProviderException.transientFailure("io_error", "Acme could not be reached; retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ProviderException.transientFailure("interrupted", "Interrupted while calling Acme");
    }
    if (response.statusCode() >= 500) {
      throw ProviderException.transientFailure("http_" + response.statusCode(), "Acme answered HTTP "
          + response.statusCode() + "; retry later");
    }
    Map<String, String> answer = decode(response.body());
    if (response.statusCode() >= 400 || answer.containsKey("error")) {
      String code = ProviderException.sanitize(answer.get("error"));
      throw ProviderException.definitive(code, "Acme refused the grant (" + code + ")");
    }
    String access = answer.get("access_token");
    if (access == null || access.isEmpty()) {
      throw ProviderException.transientFailure("invalid_token_response", "Acme answered without an access token");
    }
    Credentials.Builder out = previous == null ? Credentials.builder(AuthScheme.OAUTH2) : previous.toBuilder();
    out.accessToken(access).expiresAt(now.plusSeconds(Long.parseLong(answer.getOrDefault("expires_in", "3600"))));
    if (answer.get("refresh_token") != null) {
      out.refreshToken(answer.get("refresh_token"));
    }
    return out.build();
  }

  private String clientId() {
    return setting("acme.client-id", "ACME_CLIENT_ID");
  }

  private static String baseUrl() {
    String configured = System.getProperty("acme.base-url", System.getenv("ACME_BASE_URL"));
    return configured == null ? "https://auth.acme.example" : configured;
  }

  /** A missing setting is a definitive failure whose message says exactly what to set. */
  private static String setting(String property, String variable) {
    String value = System.getProperty(property, System.getenv(variable));
    if (value == null || value.isBlank()) {
      throw ProviderException.definitive("client_not_configured",
          "Acme CRM is not configured: set the system property " + property + " or the environment variable " + variable);
    }
    return value;
  }

  private static String encode(Map<String, String> values) {
    return values.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private static Map<String, String> decode(String form) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : form.strip().split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}

package dev.tether.providers.oauth2;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A provider for one OAuth 2.0 toolkit, configured in code.
 *
 * <pre>{@code
 * ToolkitProvider gmail = OAuth2Toolkit.builder("gmail")
 *     .name("Gmail")
 *     .authorizationUrl(URI.create("https://accounts.google.com/o/oauth2/v2/auth"))
 *     .tokenUrl(URI.create("https://oauth2.googleapis.com/token"))
 *     .clientId(System.getenv("GOOGLE_CLIENT_ID"))
 *     .clientSecret(System.getenv("GOOGLE_CLIENT_SECRET"))
 *     .scopes("https://www.googleapis.com/auth/gmail.modify")
 *     .build();
 * }</pre>
 *
 * <p>The authorization URL carries {@code response_type=code}, {@code client_id},
 * {@code redirect_uri}, {@code scope}, {@code state} and the PKCE S256 challenge. The code is
 * exchanged at the token endpoint with the JDK {@link HttpClient} (form body, client credentials in
 * the body or as HTTP Basic), and the JSON answer is read with Jackson. A token response without
 * {@code expires_in} gets the {@linkplain Builder#defaultTokenLifetime default lifetime}, never
 * "forever".
 *
 * <p>Immutable and thread-safe. Creates no thread and does no I/O until a code is exchanged.
 */
public final class OAuth2Toolkit implements ToolkitProvider {
  /** Lifetime assumed when a token response has no {@code expires_in}: one hour. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

  private final ToolkitDescriptor descriptor;
  private final URI authorizationUrl;
  private final String clientId;
  private final String clientSecret;
  private final List<String> scopes;
  private final String scopeSeparator;
  private final boolean pkce;
  private final Map<String, String> authorizationParameters;
  private final Optional<String> issuer;
  private final Duration defaultTokenLifetime;
  private final TokenEndpoint tokenEndpoint;

  private OAuth2Toolkit(Builder b) {
    this.descriptor = new ToolkitDescriptor(b.slug, b.name == null ? b.slug : b.name, AuthScheme.OAUTH2);
    this.authorizationUrl = b.authorizationUrl;
    this.clientId = b.clientId;
    this.clientSecret = b.clientSecret;
    this.scopes = List.copyOf(b.scopes);
    this.scopeSeparator = b.scopeSeparator;
    this.pkce = b.pkce;
    this.authorizationParameters = Map.copyOf(b.authorizationParameters);
    this.issuer = Optional.ofNullable(b.issuer);
    this.defaultTokenLifetime = b.defaultTokenLifetime;
    Supplier<HttpClient> http = b.httpClient != null ? () -> b.httpClient : SharedHttpClient::get;
    this.tokenEndpoint = new TokenEndpoint(b.slug, b.tokenUrl, http, b.requestTimeout, b.basicAuth);
  }

  /** Starts a builder for the toolkit {@code slug} (normalised: trimmed, lower-cased). */
  public static Builder builder(String slug) {
    return new Builder(Slugs.requireValid(Slugs.normalize(slug)));
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(descriptor);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return issuer;
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    requireClient();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", clientId);
    query.put("redirect_uri", request.redirectUri().toString());
    List<String> requested = request.scopes().isEmpty() ? scopes : request.scopes();
    if (!requested.isEmpty()) {
      query.put("scope", String.join(scopeSeparator, requested));
    }
    query.put("state", request.state().reveal());
    if (pkce) {
      query.put("code_challenge", request.codeChallenge());
      query.put("code_challenge_method", AuthorizationRequest.CODE_CHALLENGE_METHOD);
    }
    authorizationParameters.forEach(query::putIfAbsent);
    return AuthorizationLink.of(FormBodies.withQuery(authorizationUrl, query));
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    requireClient();
    String code = request.parameter("code")
        .filter(c -> !c.isEmpty())
        .orElseThrow(() -> ProviderException.definitive("missing_code",
            "The callback for '" + descriptor.slug() + "' carried no authorization code"));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", request.redirectUri().toString());
    if (pkce) {
      form.put("code_verifier", request.codeVerifier().reveal());
    }
    return tokenEndpoint.post(form, clientId, clientSecret, request.now(), defaultTokenLifetime,
        scopes, Optional.empty());
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    requireClient();
    String refreshToken = request.credentials().refreshToken()
        .orElseThrow(() -> ProviderException.definitive("no_refresh_token",
            "The '" + descriptor.slug() + "' account has no refresh token; the user must reconnect"))
        .reveal();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    return tokenEndpoint.post(form, clientId, clientSecret, request.now(), defaultTokenLifetime,
        scopes, Optional.of(request.credentials()));
  }

  private void requireClient() {
    if (clientId == null) {
      throw ProviderException.definitive("client_not_configured",
          "Toolkit '" + descriptor.slug() + "' has no OAuth client: set clientId (and clientSecret) "
              + "on OAuth2Toolkit.builder(\"" + descriptor.slug() + "\")");
    }
  }

  @Override
  public String toString() {
    return "OAuth2Toolkit[" + descriptor.slug() + ", authorizationUrl=" + authorizationUrl.getHost()
        + ", clientConfigured=" + (clientId != null) + ", pkce=" + pkce + "]";
  }

  /** Builds an {@link OAuth2Toolkit}. Each setting may be set once. Not thread-safe. */
  public static final class Builder {
    private final String slug;
    private String name;
    private URI authorizationUrl;
    private URI tokenUrl;
    private String clientId;
    private String clientSecret;
    private final java.util.ArrayList<String> scopes = new java.util.ArrayList<>();
    private String scopeSeparator = " ";
    private boolean pkce = true;
    private boolean basicAuth;
    private final Map<String, String> authorizationParameters = new LinkedHashMap<>();
    private String issuer;
    private HttpClient httpClient;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration defaultTokenLifetime = DEFAULT_TOKEN_LIFETIME;

    private Builder(String slug) {
      this.slug = slug;
    }

    /** The display name (default: the slug). */
    public Builder name(String name) {
      requireUnset(this.name, "name");
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The upstream authorization endpoint (absolute http/https). Required. */
    public Builder authorizationUrl(URI url) {
      requireUnset(this.authorizationUrl, "authorizationUrl");
      this.authorizationUrl = requireHttp(url, "authorizationUrl");
      return this;
    }

    /** The upstream token endpoint (absolute http/https). Required. */
    public Builder tokenUrl(URI url) {
      requireUnset(this.tokenUrl, "tokenUrl");
      this.tokenUrl = requireHttp(url, "tokenUrl");
      return this;
    }

    /**
     * The OAuth client id. Optional at build time: without it the toolkit is listed but asking for
     * a link fails with a message saying to set it.
     */
    public Builder clientId(String clientId) {
      requireUnset(this.clientId, "clientId");
      this.clientId = requireNonBlank(clientId, "clientId");
      return this;
    }

    /** The OAuth client secret (omit for public clients, which rely on PKCE alone). */
    public Builder clientSecret(String clientSecret) {
      requireUnset(this.clientSecret, "clientSecret");
      this.clientSecret = requireNonBlank(clientSecret, "clientSecret");
      return this;
    }

    /** Default scopes requested on every link. */
    public Builder scopes(String... scopes) {
      for (String s : scopes) {
        this.scopes.add(requireNonBlank(s, "scope"));
      }
      return this;
    }

    /** How scopes are joined in the authorization URL (default: a space). */
    public Builder scopeSeparator(String separator) {
      this.scopeSeparator = Objects.requireNonNull(separator, "separator");
      return this;
    }

    /** Whether to send PKCE S256 (default true). Turn off only where the upstream rejects it. */
    public Builder pkce(boolean enabled) {
      this.pkce = enabled;
      return this;
    }

    /** Send client credentials as HTTP Basic instead of in the form body (default: form body). */
    public Builder clientSecretBasic(boolean enabled) {
      this.basicAuth = enabled;
      return this;
    }

    /** An extra authorization-URL parameter, e.g. {@code access_type=offline}. */
    public Builder authorizationParameter(String name, String value) {
      authorizationParameters.put(requireNonBlank(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The authorization server's issuer; callbacks with a different {@code iss} are refused. */
    public Builder issuer(String issuer) {
      requireUnset(this.issuer, "issuer");
      this.issuer = requireNonBlank(issuer, "issuer");
      return this;
    }

    /** The HTTP client for the token endpoint (default: one shared client, created on first use). */
    public Builder httpClient(HttpClient client) {
      requireUnset(this.httpClient, "httpClient");
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** How long one token-endpoint request may take (default 10 s). */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /** Lifetime assumed when a token response has no {@code expires_in} (default 1 h). */
    public Builder defaultTokenLifetime(Duration lifetime) {
      this.defaultTokenLifetime = requirePositive(lifetime, "defaultTokenLifetime");
      return this;
    }

    /**
     * The provider.
     *
     * @throws IllegalStateException if the authorization or token URL is missing
     */
    public OAuth2Toolkit build() {
      if (authorizationUrl == null || tokenUrl == null) {
        throw new IllegalStateException("OAuth2Toolkit '" + slug
            + "' needs both authorizationUrl(...) and tokenUrl(...)");
      }
      return new OAuth2Toolkit(this);
    }

    private void requireUnset(Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set for OAuth2Toolkit '" + slug + "'");
      }
    }

    private static String requireNonBlank(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    private static URI requireHttp(URI url, String what) {
      Objects.requireNonNull(url, what);
      String scheme = url.getScheme();
      if (!url.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
        throw new IllegalArgumentException(what + " must be an absolute http(s) URL, got '" + url + "'");
      }
      return url;
    }
  }

  /** One HTTP client for every toolkit built without its own; created on first exchange. */
  private static final class SharedHttpClient {
    private static final HttpClient INSTANCE = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    static HttpClient get() {
      return INSTANCE;
    }
  }
}

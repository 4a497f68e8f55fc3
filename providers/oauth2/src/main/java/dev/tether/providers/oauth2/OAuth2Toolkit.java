package dev.tether.providers.oauth2;

import dev.tether.providers.kit.FormCodec;
import dev.tether.providers.kit.HttpClients;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.spi.Urls;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
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
 *     .description("Read, search, send and organise email in a Gmail inbox")
 *     .categories("email")
 *     .build();
 * }</pre>
 *
 * <p>The authorization URL carries {@code response_type=code}, {@code client_id},
 * {@code redirect_uri}, {@code scope}, {@code state} and the PKCE S256 challenge. The code is
 * exchanged at the token endpoint with the JDK {@link HttpClient} (form body, client credentials in
 * the body or as HTTP Basic), and the JSON answer is read with Jackson. A token response without
 * {@code expires_in} gets the {@linkplain Builder#defaultTokenLifetime default lifetime}, never
 * "forever". For the bundled catalog of real toolkits see {@link OAuth2Catalog}.
 *
 * <p>Immutable and thread-safe. Creates no thread and does no I/O until a code is exchanged.
 */
public final class OAuth2Toolkit implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Lifetime assumed when a token response has no {@code expires_in}: one hour. */
  public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);
  /** How long one token-endpoint request may take by default. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final OAuth2Spec spec;
  private final ToolkitDescriptor descriptor;
  private final String clientId;
  private final String clientSecret;
  private final String missingClientHint;
  private final TokenEndpoint tokenEndpoint;

  OAuth2Toolkit(OAuth2Spec spec, String clientId, String clientSecret, String missingClientHint,
      Supplier<HttpClient> http, Duration requestTimeout) {
    this.spec = spec;
    this.descriptor = new ToolkitDescriptor(spec.slug(), spec.name(), AuthScheme.OAUTH2, spec.fields(),
        spec.description(), spec.categories());
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.missingClientHint = missingClientHint;
    this.tokenEndpoint = new TokenEndpoint(spec, http, requestTimeout);
  }

  /**
   * Starts a builder for the toolkit {@code slug} (normalised: trimmed, lower-cased).
   *
   * @param slug the toolkit's slug, e.g. {@code gmail}
   * @return a new builder
   * @throws IllegalArgumentException if the normalised slug is malformed
   */
  public static Builder builder(String slug) {
    return new Builder(Slugs.requireValid(Slugs.normalize(slug)));
  }

  /**
   * The toolkit this provider serves.
   *
   * @return the descriptor {@link #toolkits()} lists alone
   */
  public ToolkitDescriptor descriptor() {
    return descriptor;
  }

  String family() {
    return spec.family();
  }

  /**
   * Whether a client id is configured (links can be built).
   *
   * @return false when asking for a link will fail with a message naming the setting
   */
  public boolean isClientConfigured() {
    return clientId != null;
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(descriptor);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return spec.issuer();
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return spec.requireIssuer();
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    requireClient();
    Map<String, String> fields = connectionFields(request.connectionFields());
    if (spec.fields().isEmpty() && request.scopes().isEmpty()) {
      // The hot path: everything but state and challenge is the same for every link of this client.
      // Not for a toolkit with per-connection fields: its URLs have placeholders to fill (or refuse).
      LinkTemplate template = linkTemplate(request.redirectUri());
      return template.render(request.state().reveal(), request.codeChallenge());
    }
    Map<String, String> query = new LinkedHashMap<>();
    query.put("response_type", "code");
    query.put("client_id", clientId);
    query.put("redirect_uri", request.redirectUri().toString());
    List<String> requested = request.scopes().isEmpty() ? spec.scopes() : request.scopes();
    if (!requested.isEmpty()) {
      query.put(spec.scopeParameter(), String.join(spec.scopeSeparator(), requested));
    }
    query.put("state", request.state().reveal());
    if (spec.pkce()) {
      query.put("code_challenge", request.codeChallenge());
      query.put("code_challenge_method", AuthorizationRequest.CODE_CHALLENGE_METHOD);
    }
    spec.authorizationParameters().forEach(query::putIfAbsent);
    return AuthorizationLink.of(FormCodec.appendQuery(fill(spec.authorizationUrl(), fields), query), fields);
  }

  /** The authorization URL around its per-link values (state, challenge), checked once per redirect URI. */
  private record LinkTemplate(URI redirectUri, AuthorizationLink.Template link) {
    AuthorizationLink render(String state, String challenge) {
      return link.holes() == 2 ? link.render(state, challenge) : link.render(state);
    }
  }

  private volatile LinkTemplate template;

  private LinkTemplate linkTemplate(URI redirectUri) {
    LinkTemplate current = template;
    if (current != null && current.redirectUri().equals(redirectUri)) {
      return current;
    }
    Map<String, String> before = new LinkedHashMap<>();
    before.put("response_type", "code");
    before.put("client_id", clientId);
    before.put("redirect_uri", redirectUri.toString());
    if (!spec.scopes().isEmpty()) {
      before.put(spec.scopeParameter(), String.join(spec.scopeSeparator(), spec.scopes()));
    }
    Map<String, String> after = new LinkedHashMap<>();
    if (spec.pkce()) {
      after.put("code_challenge_method", AuthorizationRequest.CODE_CHALLENGE_METHOD);
    }
    spec.authorizationParameters().forEach((k, v) -> {
      if (!before.containsKey(k) && !k.equals("state") && !k.startsWith("code_challenge")) {
        after.put(k, v);
      }
    });
    // The per-link values go in the query, before any fragment, as the general path puts them.
    String url = spec.authorizationUrl();
    int hash = url.indexOf('#');
    String head = FormCodec.appendQuery(hash < 0 ? url : url.substring(0, hash), before) + "&state=";
    String tail = (after.isEmpty() ? "" : "&" + FormCodec.encode(after)) + (hash < 0 ? "" : url.substring(hash));
    current = new LinkTemplate(redirectUri, spec.pkce() ? AuthorizationLink.template(head, "&code_challenge=", tail)
        : AuthorizationLink.template(head, tail));
    template = current;
    return current;
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    requireClient();
    String code = request.parameter("code")
        .filter(c -> !c.isEmpty())
        .orElseThrow(() -> ProviderException.definitive("missing_code",
            "The callback for '" + spec.slug() + "' carried no authorization code"));
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("code", code);
    form.put("redirect_uri", request.redirectUri().toString());
    if (spec.pkce()) {
      form.put("code_verifier", request.codeVerifier().reveal());
    }
    Map<String, String> fields = request.flowState();
    Credentials issued = tokenEndpoint.post(URI.create(fill(spec.tokenUrl(), fields)), form, clientId,
        clientSecret, request.now(), Optional.empty());
    if (fields.isEmpty()) {
      return issued;
    }
    Credentials.Builder withFields = issued.toBuilder();
    fields.forEach(withFields::attribute); // refresh needs them for the token URL
    return withFields.build();
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    requireClient();
    String refreshToken = request.credentials().refreshToken()
        .orElseThrow(() -> ProviderException.definitive("no_refresh_token",
            "The '" + spec.slug() + "' account has no refresh token; the user must reconnect"))
        .reveal();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "refresh_token");
    form.put("refresh_token", refreshToken);
    URI tokenUrl = URI.create(fill(spec.tokenUrl(), request.credentials().attributes()));
    return tokenEndpoint.post(tokenUrl, form, clientId, clientSecret, request.now(),
        Optional.of(request.credentials()));
  }

  /** The declared fields' values, checked: every one present and safe to put in a URL. */
  private Map<String, String> connectionFields(Map<String, String> given) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConnectionField f : spec.fields()) {
      String v = given.get(f.name());
      if (v != null) {
        out.put(f.name(), v.strip());
      }
    }
    return out;
  }

  private String fill(String template, Map<String, String> values) {
    try {
      return OAuth2Spec.fill(template, values);
    } catch (IllegalArgumentException e) {
      throw ProviderException.definitive("invalid_connection_field",
          "Cannot connect '" + spec.slug() + "': " + e.getMessage());
    }
  }

  private void requireClient() {
    if (clientId == null) {
      throw ProviderException.definitive("client_not_configured",
          "Toolkit '" + spec.slug() + "' has no OAuth client: " + missingClientHint);
    }
  }

  @Override
  public String toString() {
    return "OAuth2Toolkit[" + spec.slug() + ", authorizationUrl=" + spec.authorizationUrl().replaceAll("\\?.*", "")
        + ", clientConfigured=" + (clientId != null) + ", pkce=" + spec.pkce() + "]";
  }

  /** Builds an {@link OAuth2Toolkit}. Each single-valued setting may be set once. Not thread-safe. */
  public static final class Builder {
    private final String slug;
    private String name;
    private URI authorizationUrl;
    private URI tokenUrl;
    private String clientId;
    private String clientSecret;
    private final List<String> scopes = new ArrayList<>();
    private String scopeSeparator = " ";
    private boolean pkce = true;
    private boolean basicAuth;
    private boolean jsonBody;
    private final Map<String, String> authorizationParameters = new LinkedHashMap<>();
    private final Map<String, String> tokenHeaders = new LinkedHashMap<>();
    private String tokenPath;
    private String okField;
    private String issuer;
    private boolean requireIssuer;
    private HttpClient httpClient;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration defaultTokenLifetime = DEFAULT_TOKEN_LIFETIME;
    private final List<String> keepAttributes = new ArrayList<>();
    private String description;
    private List<String> categories;

    private Builder(String slug) {
      this.slug = slug;
    }

    /**
     * The display name (default: the slug).
     *
     * @param name e.g. {@code Gmail}; not blank
     * @return this builder
     */
    public Builder name(String name) {
      requireUnset(this.name, "name");
      this.name = requireNonBlank(name, "name");
      return this;
    }

    /**
     * One line saying what users do with the toolkit, for agents that search toolkits by use case
     * (default: none).
     *
     * @param description e.g. {@code Read, search, send and organise email in a Gmail inbox}; one
     *     line of at most {@value ToolkitDescriptor#MAX_DESCRIPTION_LENGTH} characters
     * @return this builder
     * @throws IllegalArgumentException if {@code description} is longer or spans lines
     * @throws IllegalStateException if the description was already set
     */
    public Builder description(String description) {
      requireUnset(this.description, "description");
      this.description = describe(slug, description, List.of()).description();
      return this;
    }

    /**
     * What kind of app the toolkit is, from the {@link dev.tether.spi.Categories} vocabulary
     * (default: none).
     *
     * @param categories e.g. {@code email}; lower case {@code [a-z0-9_]+}
     * @return this builder
     * @throws IllegalArgumentException if a category is malformed
     * @throws IllegalStateException if the categories were already set
     */
    public Builder categories(String... categories) {
      requireUnset(this.categories, "categories");
      this.categories = describe(slug, "", List.of(categories)).categories();
      return this;
    }

    /** The descriptor's own rules, checked when a setting is made rather than at build(). */
    private static ToolkitDescriptor describe(String slug, String description, List<String> categories) {
      return new ToolkitDescriptor(slug, slug, AuthScheme.OAUTH2, List.of(), Objects.requireNonNull(description,
          "description"), categories);
    }

    /**
     * The upstream authorization endpoint. Required.
     *
     * @param url the endpoint the user's browser is sent to: absolute http(s) with a host, no
     *     user-info ({@link Urls#requireHttpEndpoint(URI, String)})
     * @return this builder
     */
    public Builder authorizationUrl(URI url) {
      requireUnset(this.authorizationUrl, "authorizationUrl");
      this.authorizationUrl = Urls.requireHttpEndpoint(url, "authorizationUrl");
      return this;
    }

    /**
     * The upstream token endpoint. Required.
     *
     * @param url the endpoint codes and refresh tokens are exchanged at: absolute http(s) with a
     *     host, no user-info ({@link Urls#requireHttpEndpoint(URI, String)})
     * @return this builder
     */
    public Builder tokenUrl(URI url) {
      requireUnset(this.tokenUrl, "tokenUrl");
      this.tokenUrl = Urls.requireHttpEndpoint(url, "tokenUrl");
      return this;
    }

    /**
     * The OAuth client id. Optional at build time: without it the toolkit is listed but asking for
     * a link fails with a message saying to set it.
     *
     * @param clientId the id registered with the upstream; not blank
     * @return this builder
     */
    public Builder clientId(String clientId) {
      requireUnset(this.clientId, "clientId");
      this.clientId = requireNonBlank(clientId, "clientId");
      return this;
    }

    /**
     * The OAuth client secret (omit for public clients, which rely on PKCE alone).
     *
     * @param clientSecret the secret registered with the upstream; not blank
     * @return this builder
     */
    public Builder clientSecret(String clientSecret) {
      requireUnset(this.clientSecret, "clientSecret");
      this.clientSecret = requireNonBlank(clientSecret, "clientSecret");
      return this;
    }

    /**
     * Default scopes requested on every link. May be called many times; the scopes add up.
     *
     * @param scopes scope values, none blank
     * @return this builder
     */
    public Builder scopes(String... scopes) {
      for (String s : scopes) {
        this.scopes.add(requireNonBlank(s, "scope"));
      }
      return this;
    }

    /**
     * How scopes are joined in the authorization URL (default: a space).
     *
     * @param separator e.g. {@code ","} for upstreams that want commas; not null
     * @return this builder
     */
    public Builder scopeSeparator(String separator) {
      this.scopeSeparator = Objects.requireNonNull(separator, "separator");
      return this;
    }

    /**
     * Whether to send PKCE S256 (default true). Turn off only where the upstream rejects it.
     *
     * @param enabled false to leave the challenge and verifier out
     * @return this builder
     */
    public Builder pkce(boolean enabled) {
      this.pkce = enabled;
      return this;
    }

    /**
     * Send client credentials as HTTP Basic instead of in the form body (default: form body).
     *
     * @param enabled true for an {@code Authorization: Basic} header
     * @return this builder
     */
    public Builder clientSecretBasic(boolean enabled) {
      this.basicAuth = enabled;
      return this;
    }

    /**
     * Send the token request as a JSON object instead of a form (default: form).
     *
     * @param enabled true for an {@code application/json} body
     * @return this builder
     */
    public Builder jsonTokenRequest(boolean enabled) {
      this.jsonBody = enabled;
      return this;
    }

    /**
     * An extra authorization-URL parameter, e.g. {@code access_type=offline}.
     *
     * @param name the parameter's name; not blank
     * @param value its value (encoded when the URL is built); not null
     * @return this builder
     */
    public Builder authorizationParameter(String name, String value) {
      authorizationParameters.put(requireNonBlank(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * An extra token-request header.
     *
     * @param name the header's name; not blank
     * @param value its value; not null
     * @return this builder
     */
    public Builder tokenHeader(String name, String value) {
      tokenHeaders.put(requireNonBlank(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Where the tokens sit in the token response, e.g. {@code authed_user} (default: the top level).
     *
     * @param path the member holding the token fields; not blank
     * @return this builder
     */
    public Builder tokenResponsePath(String path) {
      requireUnset(this.tokenPath, "tokenResponsePath");
      this.tokenPath = requireNonBlank(path, "path");
      return this;
    }

    /**
     * A boolean member whose {@code false} marks an HTTP-200 error, e.g. Slack's {@code ok}.
     *
     * @param field the member's name; not blank
     * @return this builder
     */
    public Builder okField(String field) {
      requireUnset(this.okField, "okField");
      this.okField = requireNonBlank(field, "field");
      return this;
    }

    /**
     * A top-level token-response member to keep as a credentials attribute, e.g. {@code instance_url}.
     *
     * @param member the member's name; not blank, and never one that holds a secret
     * @return this builder
     */
    public Builder keepAttribute(String member) {
      keepAttributes.add(requireNonBlank(member, "member"));
      return this;
    }

    /**
     * The authorization server's issuer; callbacks with a different {@code iss} are refused (RFC
     * 9207). Callbacks without {@code iss} are accepted unless {@link #requireIssuer()} is set.
     *
     * @param issuer the issuer identifier (RFC 9207); not blank
     * @return this builder
     */
    public Builder issuer(String issuer) {
      requireUnset(this.issuer, "issuer");
      this.issuer = requireNonBlank(issuer, "issuer");
      return this;
    }

    /**
     * Refuses callbacks without {@code iss} (RFC 9207 §2.4), for an authorization server that
     * always sends it; needs an {@link #issuer(String)}.
     *
     * @return this builder
     */
    public Builder requireIssuer() {
      this.requireIssuer = true;
      return this;
    }

    /**
     * The HTTP client for the token endpoint (default: one shared client, created on first use).
     *
     * @param client the client; not null
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      requireUnset(this.httpClient, "httpClient");
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * How long one token-endpoint request may take (default 10 s).
     *
     * @param timeout positive; a request that takes longer is a transient {@code timeout} failure
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = requirePositive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Lifetime assumed when a token response has no {@code expires_in} (default 1 h).
     *
     * @param lifetime positive
     * @return this builder
     */
    public Builder defaultTokenLifetime(Duration lifetime) {
      this.defaultTokenLifetime = requirePositive(lifetime, "defaultTokenLifetime");
      return this;
    }

    /**
     * The provider.
     *
     * @return a new immutable provider for this one toolkit
     * @throws IllegalStateException if the authorization or token URL is missing
     */
    public OAuth2Toolkit build() {
      if (authorizationUrl == null || tokenUrl == null) {
        throw new IllegalStateException("OAuth2Toolkit '" + slug
            + "' needs both authorizationUrl(...) and tokenUrl(...)");
      }
      if (requireIssuer && issuer == null) {
        throw new IllegalStateException("OAuth2Toolkit '" + slug + "' has requireIssuer() but no issuer(...); "
            + "set the authorization server's issuer identifier");
      }
      OAuth2Spec spec = new OAuth2Spec(slug, name == null ? slug : name, slug, authorizationUrl.toString(),
          tokenUrl.toString(), scopes, scopeSeparator, "scope", pkce, basicAuth, jsonBody, authorizationParameters,
          tokenHeaders, Optional.ofNullable(tokenPath), Optional.ofNullable(okField), defaultTokenLifetime,
          List.of(), Optional.ofNullable(issuer), requireIssuer, keepAttributes,
          description == null ? "" : description, categories == null ? List.of() : categories);
      HttpClient fixed = httpClient;
      return new OAuth2Toolkit(spec, clientId, clientSecret,
          "set clientId (and clientSecret) on OAuth2Toolkit.builder(\"" + slug + "\")",
          fixed != null ? () -> fixed : HttpClients::shared, requestTimeout);
    }

    private void requireUnset(Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set for OAuth2Toolkit '" + slug + "'");
      }
    }

    static String requireNonBlank(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }

    static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }
  }
}

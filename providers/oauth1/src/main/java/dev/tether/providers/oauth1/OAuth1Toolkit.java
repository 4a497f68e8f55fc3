package dev.tether.providers.oauth1;

import dev.tether.providers.kit.FormCodec;
import dev.tether.providers.kit.HttpClients;
import dev.tether.providers.kit.HttpOutcomes;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.Slugs;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.spi.Urls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A provider for one OAuth 1.0a toolkit (RFC 5849, HMAC-SHA1), configured in code.
 *
 * <p>{@link #authorize} obtains temporary credentials (a request token) from the upstream, with
 * the host's redirect URI plus the engine's {@code state} as {@code oauth_callback}, and returns
 * the authorization URL; the request-token secret travels in the link's private flow state. On
 * the callback ({@code oauth_token} + {@code oauth_verifier}) {@link #exchange} obtains the token
 * credentials. OAuth 1.0a tokens carry no expiry; credentials hold the token as access token and
 * its secret as the {@code token_secret} secret.
 *
 * <p>Immutable and thread-safe. The constructor does no I/O; {@link #authorize} and
 * {@link #exchange} call the upstream with the JDK {@link HttpClient}.
 */
public final class OAuth1Toolkit implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Name of the token secret in {@link Credentials#secrets()}. */
  public static final String TOKEN_SECRET = "token_secret";

  static final String FLOW_TOKEN = "oauth_token";
  static final String FLOW_TOKEN_SECRET = "oauth_token_secret";
  private static final SecureRandom NONCES = new SecureRandom();

  private final ToolkitDescriptor descriptor;
  private final URI requestTokenUrl;
  private final URI authorizeUrl;
  private final URI accessTokenUrl;
  private final String consumerKey;
  private final String consumerSecret;
  private final String missingClientHint;
  private final Map<String, String> authorizationParameters;
  private final HttpClient httpClient;
  private final Duration timeout;

  private OAuth1Toolkit(Builder b) {
    this.descriptor = new ToolkitDescriptor(b.slug, b.name == null ? b.slug : b.name, AuthScheme.OAUTH1, List.of(),
        b.description == null ? "" : b.description, b.categories == null ? List.of() : b.categories);
    this.requestTokenUrl = b.requestTokenUrl;
    this.authorizeUrl = b.authorizeUrl;
    this.accessTokenUrl = b.accessTokenUrl;
    this.consumerKey = b.consumerKey;
    this.consumerSecret = b.consumerSecret;
    this.missingClientHint = b.missingClientHint;
    this.authorizationParameters = Map.copyOf(b.authorizationParameters);
    this.httpClient = b.httpClient;
    this.timeout = b.timeout;
  }

  /**
   * Starts a builder for the toolkit {@code slug}.
   *
   * @param slug the toolkit's slug (normalised: trimmed, lower-cased), e.g. {@code trello}
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

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(descriptor);
  }

  /** OAuth 1.0a callbacks carry {@code oauth_verifier}, not {@code code}. */
  @Override
  public String grantParameter(String toolkit) {
    return "oauth_verifier";
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    requireClient();
    String callback = FormCodec.appendQuery(request.redirectUri().toString(),
        Map.of("state", request.state().reveal()));
    Answer answer = post("Request-token endpoint", requestTokenUrl,
        List.of(new SimpleEntry<>("oauth_callback", callback)), null, request.now());
    if (!"true".equals(answer.values().get("oauth_callback_confirmed"))) {
      throw ProviderException.definitive("callback_not_confirmed", "The request-token endpoint of '"
          + descriptor.slug() + "' did not confirm the callback (OAuth 1.0a requires oauth_callback_confirmed=true)");
    }
    String token = answer.require("oauth_token");
    String tokenSecret = answer.require("oauth_token_secret");
    Map<String, String> query = new LinkedHashMap<>();
    query.put("oauth_token", token);
    query.putAll(authorizationParameters);
    return AuthorizationLink.of(FormCodec.appendQuery(authorizeUrl.toString(), query),
        Map.of(FLOW_TOKEN, token, FLOW_TOKEN_SECRET, tokenSecret));
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    requireClient();
    String expected = request.flowState().get(FLOW_TOKEN);
    String returned = request.parameter("oauth_token").orElse("");
    if (expected == null || !Secret.of(expected).matches(returned)) {
      throw ProviderException.definitive("token_mismatch", "The callback for '" + descriptor.slug()
          + "' carried another request token than the one issued for this link");
    }
    String verifier = request.parameter("oauth_verifier").filter(v -> !v.isEmpty())
        .orElseThrow(() -> ProviderException.definitive("missing_verifier",
            "The callback for '" + descriptor.slug() + "' carried no oauth_verifier"));
    Answer answer = post("Access-token endpoint", accessTokenUrl, List.of(new SimpleEntry<>("oauth_token", expected),
        new SimpleEntry<>("oauth_verifier", verifier)), request.flowState().get(FLOW_TOKEN_SECRET), request.now());
    return Credentials.builder(AuthScheme.OAUTH1)
        .accessToken(answer.require("oauth_token"))
        .secret(TOKEN_SECRET, answer.require("oauth_token_secret"))
        .build();
  }

  /** An endpoint's form-encoded answer, and what messages call the endpoint. */
  private record Answer(String upstream, Map<String, String> values) {
    String require(String name) {
      String v = values.get(name);
      if (v == null || v.isEmpty()) {
        throw HttpOutcomes.unreadable(upstream, "answered without " + name);
      }
      return v;
    }
  }

  /** Signs and posts an empty-bodied request; returns the form-encoded answer, classified by {@link HttpOutcomes}. */
  private Answer post(String endpoint, URI url, List<Map.Entry<String, String>> extra, String tokenSecret,
      Instant now) {
    String upstream = endpoint + " of '" + descriptor.slug() + "'";
    byte[] nonce = new byte[16];
    NONCES.nextBytes(nonce);
    List<Map.Entry<String, String>> protocol = new ArrayList<>();
    protocol.add(new SimpleEntry<>("oauth_consumer_key", consumerKey));
    protocol.add(new SimpleEntry<>("oauth_nonce", java.util.HexFormat.of().formatHex(nonce)));
    protocol.add(new SimpleEntry<>("oauth_signature_method", "HMAC-SHA1"));
    protocol.add(new SimpleEntry<>("oauth_timestamp", Long.toString(now.getEpochSecond())));
    protocol.add(new SimpleEntry<>("oauth_version", "1.0"));
    protocol.addAll(extra);
    String signature = OAuth1Signer.hmacSha1(OAuth1Signer.baseString("POST", url, protocol), consumerSecret,
        tokenSecret);
    protocol.add(new SimpleEntry<>("oauth_signature", signature));
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
        .header("Authorization", OAuth1Signer.authorizationHeader(protocol))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = HttpOutcomes.send(httpClient != null ? httpClient : HttpClients.shared(),
        request, upstream);
    if (HttpOutcomes.isFailure(response.statusCode())) {
      throw HttpOutcomes.failure(response.statusCode(), upstream);
    }
    try {
      return new Answer(upstream, FormCodec.decodeUnique(response.body().strip()));
    } catch (IllegalArgumentException e) {
      throw HttpOutcomes.unreadable(upstream, "answered with a form that cannot be read one way only");
    }
  }

  private void requireClient() {
    if (consumerKey == null || consumerSecret == null) {
      throw ProviderException.definitive("client_not_configured",
          "Toolkit '" + descriptor.slug() + "' has no OAuth 1.0a consumer: " + missingClientHint);
    }
  }

  @Override
  public String toString() {
    return "OAuth1Toolkit[" + descriptor.slug() + ", consumerConfigured=" + (consumerKey != null) + "]";
  }

  /** Builds an {@link OAuth1Toolkit}. Not thread-safe. */
  public static final class Builder {
    private final String slug;
    private String name;
    private URI requestTokenUrl;
    private URI authorizeUrl;
    private URI accessTokenUrl;
    private String consumerKey;
    private String consumerSecret;
    private String missingClientHint;
    private final Map<String, String> authorizationParameters = new LinkedHashMap<>();
    private HttpClient httpClient;
    private Duration timeout = Duration.ofSeconds(10);
    private String description;
    private List<String> categories;

    private Builder(String slug) {
      this.slug = slug;
      this.missingClientHint = "set consumerKey and consumerSecret on OAuth1Toolkit.builder(\"" + slug + "\")";
    }

    /**
     * The display name (default: the slug).
     *
     * @param name e.g. {@code Trello}; not null
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * One line saying what users do with the toolkit, for agents that search toolkits by use case
     * (default: none).
     *
     * @param description e.g. {@code Create and move Trello cards on boards}; one line of at most
     *     {@value ToolkitDescriptor#MAX_DESCRIPTION_LENGTH} characters
     * @return this builder
     * @throws IllegalArgumentException if {@code description} is longer or spans lines
     * @throws IllegalStateException if the description was already set
     */
    public Builder description(String description) {
      if (this.description != null) {
        throw new IllegalStateException("description was already set for OAuth1Toolkit '" + slug + "'");
      }
      this.description = describe(Objects.requireNonNull(description, "description"), List.of()).description();
      return this;
    }

    /**
     * What kind of app the toolkit is, from the {@link dev.tether.spi.Categories} vocabulary
     * (default: none).
     *
     * @param categories e.g. {@code tasks}; lower case {@code [a-z0-9_]+}
     * @return this builder
     * @throws IllegalArgumentException if a category is malformed
     * @throws IllegalStateException if the categories were already set
     */
    public Builder categories(String... categories) {
      if (this.categories != null) {
        throw new IllegalStateException("categories were already set for OAuth1Toolkit '" + slug + "'");
      }
      this.categories = describe("", List.of(categories)).categories();
      return this;
    }

    /** The descriptor's own rules, checked when a setting is made rather than at build(). */
    private ToolkitDescriptor describe(String text, List<String> words) {
      return new ToolkitDescriptor(slug, slug, AuthScheme.NONE).describedAs(text, words.toArray(String[]::new));
    }

    /**
     * The temporary-credentials (request token) endpoint. Required.
     *
     * @param url an absolute http(s) URL with a host and no user-info
     * @return this builder
     */
    public Builder requestTokenUrl(URI url) {
      this.requestTokenUrl = Urls.requireHttpEndpoint(url, "requestTokenUrl");
      return this;
    }

    /**
     * The resource-owner authorization endpoint. Required.
     *
     * @param url an absolute http(s) URL with a host and no user-info
     * @return this builder
     */
    public Builder authorizeUrl(URI url) {
      this.authorizeUrl = Urls.requireHttpEndpoint(url, "authorizeUrl");
      return this;
    }

    /**
     * The token-credentials (access token) endpoint. Required.
     *
     * @param url an absolute http(s) URL with a host and no user-info
     * @return this builder
     */
    public Builder accessTokenUrl(URI url) {
      this.accessTokenUrl = Urls.requireHttpEndpoint(url, "accessTokenUrl");
      return this;
    }

    /**
     * The consumer key and secret; without them the toolkit is listed but links fail, saying what to set.
     *
     * @param key the consumer key; not null
     * @param secret the consumer secret; not null
     * @return this builder
     */
    public Builder consumer(String key, String secret) {
      this.consumerKey = Objects.requireNonNull(key, "key");
      this.consumerSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * An extra authorization-URL parameter, e.g. Trello's {@code expiration=never}.
     *
     * @param name the parameter's name; not null
     * @param value its value; not null
     * @return this builder
     */
    public Builder authorizationParameter(String name, String value) {
      authorizationParameters.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * The HTTP client (default: one shared client).
     *
     * @param client the client for the request-token and access-token endpoints; not null
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * How long one upstream request may take (default 10 s).
     *
     * @param requestTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if {@code requestTimeout} is zero or negative
     */
    public Builder requestTimeout(Duration requestTimeout) {
      Objects.requireNonNull(requestTimeout, "requestTimeout");
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
      }
      this.timeout = requestTimeout;
      return this;
    }

    Builder missingClientHint(String hint) {
      this.missingClientHint = hint;
      return this;
    }

    /**
     * The provider.
     *
     * @return a new immutable provider for this one toolkit
     * @throws IllegalStateException if an endpoint is missing
     */
    public OAuth1Toolkit build() {
      if (requestTokenUrl == null || authorizeUrl == null || accessTokenUrl == null) {
        throw new IllegalStateException("OAuth1Toolkit '" + slug
            + "' needs requestTokenUrl(...), authorizeUrl(...) and accessTokenUrl(...)");
      }
      return new OAuth1Toolkit(this);
    }
  }
}

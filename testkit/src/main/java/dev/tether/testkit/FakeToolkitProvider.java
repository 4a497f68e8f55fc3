package dev.tether.testkit;

import dev.tether.core.ConnectLink;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * An in-process provider for tests: serves the toolkits it is built with, builds links on
 * {@code https://fake.tether.test/{slug}/authorize}, and exchanges, refreshes and accepts keys as
 * scripted. Counts and records every call (unless built with {@link Builder#recordRequests
 * recordRequests(false)}). Use {@link #approve} / {@link #deny} to play the user's browser.
 *
 * <pre>{@code
 * FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").noAuth("hackernews", "HN").build();
 * Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/cb")).clock(clock)
 *     .discoverProviders(false).provider(fake).build();
 * ConnectionRequest r = tether.createSession("u").authorize("gmail");
 * tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code-1"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FakeToolkitProvider implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** The issuer the fake reports (callbacks may carry it as {@code iss}). */
  public static final String ISSUER = "https://fake.tether.test";

  private final List<ToolkitDescriptor> toolkits;
  private final Duration tokenLifetime;
  private final LongAdder authorizeCount = new LongAdder();
  private final LongAdder exchangeCount = new LongAdder();
  private final LongAdder refreshCount = new LongAdder();
  private final LongAdder connectCount = new LongAdder();
  private final Map<String, RuntimeException> authorizeFailures = new ConcurrentHashMap<>();
  private final Set<String> issuerRequired = ConcurrentHashMap.newKeySet();
  // Appended on every call and read rarely: a copy-on-write list copied the whole history on each
  // call, which made a benchmark driving this fake quadratic in its operations.
  private final Queue<AuthorizationRequest> authorizeRequests = new ConcurrentLinkedQueue<>();
  private final Queue<ExchangeRequest> exchangeRequests = new ConcurrentLinkedQueue<>();
  /** False for a fake serving many calls (a benchmark's): the log would hold every request. */
  private final boolean recordRequests;
  private volatile Function<ExchangeRequest, Credentials> exchange;
  private volatile Function<RefreshRequest, Credentials> refresh;

  private FakeToolkitProvider(Builder b) {
    this.toolkits = List.copyOf(b.toolkits);
    this.tokenLifetime = b.tokenLifetime;
    this.recordRequests = b.recordRequests;
    this.exchange = this::issue;
    this.refresh = this::rotate;
  }

  /**
   * Starts describing the toolkits the fake serves.
   *
   * @return a new builder with no toolkits and a one-hour token lifetime
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The callback parameters of a user who approves {@code link} and is sent back with {@code code}.
   *
   * @param link the authorization URL this fake built (e.g. a {@code ConnectionRequest}'s
   *     redirect URL when no connect base URL is set)
   * @param code the authorization code the fake's exchange will see; not null
   * @return {@code state}, {@code code} and {@code iss}, ready for {@code Tether.handleCallback}
   * @throws IllegalArgumentException if the link carries no state
   */
  public static Map<String, String> approve(URI link, String code) {
    return Map.of("state", stateOf(link), "code", code, "iss", ISSUER);
  }

  /**
   * The callback parameters of a user who denies {@code link}.
   *
   * @param link the authorization URL this fake built
   * @param error the OAuth error code, e.g. {@code access_denied}; not null
   * @return {@code state} and {@code error}, ready for {@code Tether.handleCallback}
   * @throws IllegalArgumentException if the link carries no state
   */
  public static Map<String, String> deny(URI link, String error) {
    return Map.of("state", stateOf(link), "error", error);
  }

  /**
   * The callback parameters of a user who denies {@code link}, with the provider's free-text
   * {@code error_description} (which the engine must never reflect).
   *
   * @param link the authorization URL this fake built
   * @param error the OAuth error code, e.g. {@code access_denied}; not null
   * @param description the {@code error_description}; not null
   * @return {@code state}, {@code error} and {@code error_description}, ready for {@code Tether.handleCallback}
   * @throws IllegalArgumentException if the link carries no state
   */
  public static Map<String, String> deny(URI link, String error, String description) {
    return Map.of("state", stateOf(link), "error", error, "error_description", description);
  }

  /**
   * As {@link #approve(URI, String)} for any link {@code tether} handed out, including a connect
   * link ({@code {connectBaseUrl}/ln_…}), which is resolved the way the host's link endpoint does.
   *
   * @param tether the engine that handed out the link
   * @param link the link the user opens
   * @param code the authorization code the provider sends back
   * @return the callback's parameters
   */
  public static Map<String, String> approve(Tether tether, URI link, String code) {
    return approve(providerLink(tether, link), code);
  }

  /**
   * As {@link #deny(URI, String)} for any link {@code tether} handed out, including a connect link.
   *
   * @param tether the engine that handed out the link
   * @param link the link the user opens
   * @param error the error the provider sends back, e.g. {@code access_denied}
   * @return the callback's parameters
   */
  public static Map<String, String> deny(Tether tether, URI link, String error) {
    return deny(providerLink(tether, link), error);
  }

  private static URI providerLink(Tether tether, URI link) {
    Objects.requireNonNull(tether, "tether");
    Objects.requireNonNull(link, "link");
    if (link.getHost() != null && link.getHost().equals(URI.create(ISSUER).getHost())) {
      return link;
    }
    String path = link.getPath() == null ? "" : link.getPath();
    String linkId = path.substring(path.lastIndexOf('/') + 1);
    return tether.connectLink(linkId).flatMap(ConnectLink::authorizationUrl).orElseThrow(() ->
        new IllegalArgumentException("Link " + link.getHost() + "/… is neither this fake's nor a pending connect "
            + "link of this engine (expired, finished, or a form that was not submitted yet)"));
  }

  /**
   * The state carried by a link this fake built.
   *
   * @param link the authorization URL; not null
   * @return the decoded {@code state} query parameter
   * @throws IllegalArgumentException for any other link, e.g. a connect link: use
   *     {@link #approve(Tether, URI, String)} for those
   */
  public static String stateOf(URI link) {
    String raw = Objects.requireNonNull(link, "link").getRawQuery();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        if (pair.startsWith("state=")) {
          return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
        }
      }
    }
    throw new IllegalArgumentException("Not a link of FakeToolkitProvider (no state): " + link.getHost()
        + "; for a connect link {connectBaseUrl}/ln_… use FakeToolkitProvider.approve(tether, link, code)");
  }

  /**
   * Makes {@link #authorize} fail for {@code slug} with {@code failure}; {@code null} clears it.
   *
   * @param slug the toolkit whose links fail
   * @param failure what {@link #authorize} throws from now on: a {@link ProviderException}, or any
   *     other exception to play a provider bug; null to build links again
   */
  public void failAuthorize(String slug, RuntimeException failure) {
    if (failure == null) {
      authorizeFailures.remove(slug);
    } else {
      authorizeFailures.put(slug, failure);
    }
  }

  /**
   * Makes callbacks for {@code slug} carry {@code iss} or fail (RFC 9207 §2.4), as a provider whose
   * upstream always sends it does ({@link #requiresIssuer}).
   *
   * @param slug the toolkit whose callbacks must name the issuer; not null
   */
  public void requireIssuer(String slug) {
    issuerRequired.add(Objects.requireNonNull(slug, "slug"));
  }

  /**
   * Scripts what {@link #exchange} does (default: issue tokens named after the code).
   *
   * @param behaviour called for every exchange, from the engine's calling thread; may throw a
   *     {@link ProviderException}; not null
   */
  public void onExchange(Function<ExchangeRequest, Credentials> behaviour) {
    this.exchange = Objects.requireNonNull(behaviour, "behaviour");
  }

  /**
   * Scripts what {@link #refresh} does (default: a new access token and a rotated refresh token).
   *
   * @param behaviour called for every refresh, from the engine's calling thread; may throw a
   *     {@link ProviderException}; not null
   */
  public void onRefresh(Function<RefreshRequest, Credentials> behaviour) {
    this.refresh = Objects.requireNonNull(behaviour, "behaviour");
  }

  /**
   * How many links were asked for.
   *
   * @return calls to {@link #authorize} so far, failed ones included
   */
  public int authorizeCount() {
    return authorizeCount.intValue();
  }

  /**
   * The requests {@link #authorize} was called with, in order.
   *
   * @return an immutable snapshot, failed calls included
   * @throws IllegalStateException if the fake was built with {@code recordRequests(false)}
   */
  public List<AuthorizationRequest> authorizeRequests() {
    requireRecording();
    return List.copyOf(authorizeRequests);
  }

  /**
   * The requests {@link #exchange} was called with, in order.
   *
   * @return an immutable snapshot, failed calls included
   * @throws IllegalStateException if the fake was built with {@code recordRequests(false)}
   */
  public List<ExchangeRequest> exchangeRequests() {
    requireRecording();
    return List.copyOf(exchangeRequests);
  }

  private void requireRecording() {
    if (!recordRequests) {
      throw new IllegalStateException("This fake was built with recordRequests(false); build it with "
          + "recordRequests(true) (the default) to read the requests");
    }
  }

  /**
   * How many callbacks were exchanged.
   *
   * @return calls to {@link #exchange} so far, failed ones included
   */
  public int exchangeCount() {
    return exchangeCount.intValue();
  }

  /**
   * How many refreshes were asked for.
   *
   * @return calls to {@link #refresh} so far, failed ones included
   */
  public int refreshCount() {
    return refreshCount.intValue();
  }

  /**
   * How many typed credentials were accepted or refused.
   *
   * @return calls to {@link #connect} so far
   */
  public int connectCount() {
    return connectCount.intValue();
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return toolkits;
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return Optional.of(ISSUER);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return issuerRequired.contains(toolkit);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    authorizeCount.increment();
    if (recordRequests) {
      authorizeRequests.add(request);
    }
    RuntimeException failure = authorizeFailures.get(request.toolkit());
    if (failure != null) {
      throw failure;
    }
    StringBuilder url = new StringBuilder(ISSUER).append('/').append(request.toolkit()).append("/authorize?state=")
        .append(URLEncoder.encode(request.state().reveal(), StandardCharsets.UTF_8))
        .append("&code_challenge=").append(request.codeChallenge()).append("&code_challenge_method=S256");
    request.connectionFields().forEach((k, v) ->
        url.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return new AuthorizationLink(URI.create(url.toString()), request.connectionFields());
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    exchangeCount.increment();
    if (recordRequests) {
      exchangeRequests.add(request);
    }
    return exchange.apply(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    refreshCount.increment();
    return refresh.apply(request);
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    connectCount.increment();
    Map<String, String> fields = request.fields();
    String key = fields.getOrDefault("api_key", "");
    if (key.length() < 8) {
      throw ProviderException.definitive("invalid_api_key", "api_key must be at least 8 characters");
    }
    return Credentials.builder(AuthScheme.API_KEY).accessToken(key).attribute("placement", "header").build();
  }

  private Credentials issue(ExchangeRequest r) {
    String code = r.parameter("code").orElse("none");
    return Credentials.builder(AuthScheme.OAUTH2).accessToken("fake-access-" + code)
        .refreshToken("fake-refresh-" + code).expiresAt(r.now().plus(tokenLifetime)).build();
  }

  private Credentials rotate(RefreshRequest r) {
    int n = refreshCount.intValue();
    return r.credentials().toBuilder().accessToken("fake-access-r" + n).refreshToken("fake-refresh-r" + n)
        .expiresAt(r.now().plus(tokenLifetime)).build();
  }

  @Override
  public String toString() {
    List<String> slugs = new ArrayList<>();
    toolkits.forEach(t -> slugs.add(t.slug()));
    return "FakeToolkitProvider" + slugs;
  }

  /** Describes a {@link FakeToolkitProvider}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, ToolkitDescriptor> toolkitsBySlug = new LinkedHashMap<>();
    private final List<ToolkitDescriptor> toolkits = new ArrayList<>();
    private Duration tokenLifetime = Duration.ofHours(1);
    private boolean recordRequests = true;

    private Builder() {}

    /**
     * An OAuth 2.0 toolkit.
     *
     * @param slug the toolkit's slug
     * @param name its display name
     * @return this builder
     * @throws IllegalArgumentException if the slug was already added or is malformed
     */
    public Builder oauth2(String slug, String name) {
      return add(new ToolkitDescriptor(slug, name, AuthScheme.OAUTH2));
    }

    /**
     * Any toolkit, e.g. one whose connect-link form has several fields; links for it are built, and
     * callbacks exchanged, as for an OAuth 2.0 toolkit.
     *
     * @param descriptor the toolkit; not null
     * @return this builder
     * @throws IllegalArgumentException if the slug was already added
     */
    public Builder toolkit(ToolkitDescriptor descriptor) {
      return add(Objects.requireNonNull(descriptor, "descriptor"));
    }

    /**
     * An OAuth 2.0 toolkit whose connect-link form collects {@code field} before the redirect.
     *
     * @param slug the toolkit's slug
     * @param name its display name
     * @param field the name (and label) of a required plain field, e.g. {@code subdomain}; its
     *     value is appended to the authorization URL
     * @return this builder
     * @throws IllegalArgumentException if the slug was already added or a name is malformed
     */
    public Builder oauth2WithField(String slug, String name, String field) {
      return add(new ToolkitDescriptor(slug, name, AuthScheme.OAUTH2, List.of(ConnectionField.plain(field, field))));
    }

    /**
     * A toolkit that needs no auth.
     *
     * @param slug the toolkit's slug
     * @param name its display name
     * @return this builder
     * @throws IllegalArgumentException if the slug was already added or is malformed
     */
    public Builder noAuth(String slug, String name) {
      return add(new ToolkitDescriptor(slug, name, AuthScheme.NONE));
    }

    /**
     * An API-key toolkit (field {@code api_key}, at least 8 characters).
     *
     * @param slug the toolkit's slug
     * @param name its display name
     * @return this builder
     * @throws IllegalArgumentException if the slug was already added or is malformed
     */
    public Builder apiKey(String slug, String name) {
      return add(new ToolkitDescriptor(slug, name, AuthScheme.API_KEY,
          List.of(ConnectionField.secret("api_key", name + " API key"))));
    }

    /**
     * Lifetime of issued access tokens (default 1 hour).
     *
     * @param lifetime added to the engine clock's time at each exchange and refresh; not null
     * @return this builder
     */
    public Builder tokenLifetime(Duration lifetime) {
      this.tokenLifetime = Objects.requireNonNull(lifetime, "lifetime");
      return this;
    }

    /**
     * Whether the fake keeps every authorize and exchange request for {@link #authorizeRequests()}
     * and {@link #exchangeRequests()} (default true). Turn it off for a fake that serves millions
     * of calls, e.g. in a benchmark or a memory measurement: the log holds every request (its
     * state, verifier and code) for as long as the fake lives. Calls are counted either way.
     *
     * @param record false to keep no requests
     * @return this builder
     */
    public Builder recordRequests(boolean record) {
      this.recordRequests = record;
      return this;
    }

    private Builder add(ToolkitDescriptor d) {
      if (toolkitsBySlug.putIfAbsent(d.slug(), d) != null) {
        throw new IllegalArgumentException("Toolkit '" + d.slug() + "' was already added");
      }
      toolkits.add(d);
      return this;
    }

    /**
     * The fake.
     *
     * @return a new provider serving the toolkits added, in order
     * @throws IllegalStateException if no toolkit was added
     */
    public FakeToolkitProvider build() {
      if (toolkits.isEmpty()) {
        throw new IllegalStateException("A FakeToolkitProvider needs at least one toolkit");
      }
      return new FakeToolkitProvider(this);
    }
  }
}

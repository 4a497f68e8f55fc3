package dev.tether.core;

import dev.tether.spi.Credentials;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Tether engine: end users' sessions and connected accounts, in memory, with the providers
 * that connect them. The single entry point of the library.
 *
 * <pre>{@code
 * Tether tether = Tether.builder()
 *     .redirectUri(URI.create("https://your-app.com/oauth/callback"))
 *     .provider(OAuth2Toolkit.builder("gmail")...build())   // and/or ServiceLoader discovery
 *     .build();
 * Session session = tether.createSession("user_123");
 * String json = session.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}");
 * // the host's callback endpoint:
 * CallbackResult result = tether.handleCallback(queryParameters);
 * }</pre>
 *
 * <p>Thread-safe: every method may be called from many threads at once. The engine starts no
 * threads; expiry happens as it is used (and on {@link #cleanUp()}), driven by the injected
 * {@link Clock}.
 */
public final class Tether {
  private final Engine engine;

  private Tether(Engine engine) {
    this.engine = engine;
  }

  /** Starts configuring an engine. */
  public static Builder builder() {
    return new Builder();
  }

  /** Creates a session for {@code userId} with the default options. */
  public Session createSession(String userId) {
    return createSession(userId, SessionOptions.defaults());
  }

  /**
   * Creates a session for {@code userId}.
   *
   * @throws IllegalArgumentException if the user id is blank, the callback URL is not allowed, a
   *     toolkit in the allow- or deny-list is unknown, or a pinned account does not belong to this
   *     user and toolkit; nothing is stored then
   */
  public Session createSession(String userId, SessionOptions options) {
    return new Session(engine, engine.createSession(userId, options));
  }

  /** The session with id {@code sessionId}, unless it expired or never existed. */
  public Optional<Session> session(String sessionId) {
    return engine.session(sessionId).map(r -> new Session(engine, r));
  }

  /**
   * Completes a flow from the query parameters the provider sent to the host's redirect URI.
   * Call it from that endpoint, then redirect to {@link CallbackResult#redirectUrl()} when present,
   * else show your own page. Safe to call twice with the same state: the second call gets the
   * first outcome and performs no second exchange.
   */
  public CallbackResult handleCallback(Map<String, String> queryParameters) {
    return engine.handleCallback(queryParameters);
  }

  /**
   * As {@link #handleCallback(Map)}, from the request URI the provider redirected the browser to
   * (only its query is read). A parameter that appears twice is refused ({@code
   * duplicate_parameter}) without touching any account: an honest provider never repeats one.
   */
  public CallbackResult handleCallback(URI requestUri) {
    Objects.requireNonNull(requestUri, "requestUri");
    Map<String, String> params = new java.util.LinkedHashMap<>();
    String raw = requestUri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        String name = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
        if (params.putIfAbsent(name, value) != null) {
          return CallbackResult.rejected("duplicate_parameter");
        }
      }
    }
    return engine.handleCallback(params);
  }

  /**
   * Resolves a connect link id ({@code ln_…}, the last path segment of a link under the
   * configured connect base URL) while its account is pending; empty when unknown or expired.
   */
  public Optional<ConnectLink> connectLink(String linkId) {
    return engine.connectLink(linkId);
  }

  /**
   * Takes the values a user typed into a connect link's form ({@link ConnectLink#form()}): an API
   * key connects the account at once; a per-connection value such as a subdomain leads on to the
   * provider. Bad or missing values come back as {@link ConnectLinkResult#problems()} and change
   * nothing; a double submit gets the first outcome.
   */
  public ConnectLinkResult submitConnectLink(String linkId, Map<String, String> formValues) {
    return engine.submitConnectLink(linkId, formValues);
  }

  /**
   * Usable credentials for an ACTIVE account. An OAuth 2.0 token within the refresh skew of its
   * expiry is refreshed first; concurrent callers share one refresh. A rotated refresh token is
   * stored before this returns.
   *
   * @throws AccountNotFoundException if there is no such account
   * @throws CredentialsUnavailableException if the account is not ACTIVE, its token died (it is now
   *     EXPIRED), or a transient refresh failure left no valid token ({@code isRetryable()})
   */
  public Credentials credentials(String connectedAccountId) {
    return engine.credentials(Objects.requireNonNull(connectedAccountId, "connectedAccountId"));
  }

  /**
   * Refreshes now every ACTIVE account whose token expires within the refresh skew plus
   * {@code lookahead}; failures are announced as events and logged, never thrown. Call it from
   * your own scheduler, or let {@link Builder#refreshScheduler} do it.
   *
   * @return how many accounts were due
   */
  public int refreshExpiring(Duration lookahead) {
    Objects.requireNonNull(lookahead, "lookahead");
    return engine.refreshExpiring(lookahead);
  }

  /** The account with id {@code connectedAccountId}, if it exists. */
  public Optional<ConnectedAccount> account(String connectedAccountId) {
    return engine.account(Objects.requireNonNull(connectedAccountId, "connectedAccountId"))
        .map(AccountRecord::view);
  }

  /** The accounts matching {@code query}, oldest first. */
  public List<ConnectedAccount> accounts(AccountQuery query) {
    return engine.accounts(query);
  }

  /**
   * ACTIVE → INACTIVE: the account keeps its credentials but is not used.
   *
   * @throws AccountNotFoundException if there is no such account
   * @throws IllegalStateException if it is not ACTIVE
   */
  public ConnectedAccount disable(String connectedAccountId) {
    return engine.disable(Objects.requireNonNull(connectedAccountId, "connectedAccountId"));
  }

  /**
   * INACTIVE → ACTIVE. In single-account mode the user's other ACTIVE account for the toolkit
   * becomes INACTIVE.
   *
   * @throws AccountNotFoundException if there is no such account
   * @throws IllegalStateException if it is not INACTIVE
   */
  public ConnectedAccount enable(String connectedAccountId) {
    return engine.enable(Objects.requireNonNull(connectedAccountId, "connectedAccountId"));
  }

  /** Deletes the account and its credentials; false if there was none. */
  public boolean delete(String connectedAccountId) {
    return engine.delete(Objects.requireNonNull(connectedAccountId, "connectedAccountId"));
  }

  /** Adds a listener for every account event from now on. */
  public void addListener(ConnectionListener listener) {
    engine.listeners().add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener; false if it was not registered. */
  public boolean removeListener(ConnectionListener listener) {
    return engine.listeners().remove(listener);
  }

  /** What provider discovery found: providers in use and every problem met. */
  public ProviderReport providers() {
    return engine.registry().report();
  }

  /** The slugs of every toolkit this engine serves, sorted. */
  public Set<String> toolkitSlugs() {
    return engine.registry().slugs();
  }

  /**
   * Performs pending maintenance now: expires links whose TTL passed (announcing the EXPIRED
   * status) and drops idle sessions. The engine also does this as it is used.
   */
  public void cleanUp() {
    engine.cleanUp();
  }

  @Override
  public String toString() {
    return "Tether[toolkits=" + engine.registry().slugs().size() + "]";
  }

  /**
   * Configures a {@link Tether}. Each single-valued setting may be set once; values are checked
   * when set. Not thread-safe.
   */
  public static final class Builder {
    /** Default time a pending link stays valid. */
    public static final Duration DEFAULT_LINK_TTL = Duration.ofMinutes(10);
    /** Default time an unused session is kept. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(24);
    /** Default margin before a token's expiry within which it is refreshed. */
    public static final Duration DEFAULT_TOKEN_REFRESH_SKEW = Duration.ofSeconds(60);

    URI redirectUri;
    Clock clock;
    Duration linkTtl;
    Duration sessionIdleTimeout;
    Duration tokenRefreshSkew;
    private ScheduledExecutorService refreshScheduler;
    private Duration refreshInterval;
    URI connectBaseUrl;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    boolean anyCallbackOrigin;
    final List<ConnectionListener> listeners = new ArrayList<>();
    private final List<ToolkitProvider> providers = new ArrayList<>();
    private Boolean discover;
    private ClassLoader classLoader;

    private Builder() {}

    /**
     * The host's OAuth callback endpoint, registered with every OAuth client; providers send users
     * back here with {@code code} and {@code state}. Required before any OAuth link is built.
     */
    public Builder redirectUri(URI uri) {
      requireUnset(redirectUri, "redirectUri");
      this.redirectUri = requireHttpUrl(uri, "redirectUri");
      return this;
    }

    /** The clock for every timestamp and expiry (default: the system UTC clock). */
    public Builder clock(Clock clock) {
      requireUnset(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Registers a provider explicitly; it wins over a discovered one serving the same toolkit. */
    public Builder provider(ToolkitProvider provider) {
      providers.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /** Whether to discover providers with {@link java.util.ServiceLoader} (default true). */
    public Builder discoverProviders(boolean enabled) {
      requireUnset(discover, "discoverProviders");
      this.discover = enabled;
      return this;
    }

    /** The class loader to discover providers with (default: the thread's context class loader). */
    public Builder classLoader(ClassLoader loader) {
      requireUnset(classLoader, "classLoader");
      this.classLoader = Objects.requireNonNull(loader, "classLoader");
      return this;
    }

    /** How long a pending link stays valid (default 10 minutes, at least 1 second). */
    public Builder linkTtl(Duration ttl) {
      requireUnset(linkTtl, "linkTtl");
      this.linkTtl = requireAtLeastOneSecond(ttl, "linkTtl");
      return this;
    }

    /** How long an unused session is kept (default 24 hours, at least 1 second). */
    public Builder sessionIdleTimeout(Duration timeout) {
      requireUnset(sessionIdleTimeout, "sessionIdleTimeout");
      this.sessionIdleTimeout = requireAtLeastOneSecond(timeout, "sessionIdleTimeout");
      return this;
    }

    /** How close to its expiry a token is refreshed before use (default 60 seconds). */
    public Builder tokenRefreshSkew(Duration skew) {
      requireUnset(tokenRefreshSkew, "tokenRefreshSkew");
      Objects.requireNonNull(skew, "skew");
      if (skew.isNegative()) {
        throw new IllegalArgumentException("tokenRefreshSkew must not be negative, got " + skew);
      }
      this.tokenRefreshSkew = skew;
      return this;
    }

    /**
     * Refreshes expiring tokens ahead of use: every {@code interval}, on the host's
     * {@code scheduler}, the engine calls {@link Tether#refreshExpiring(Duration)} with the interval
     * as lookahead. The engine starts no thread of its own; shut the scheduler down to stop.
     */
    public Builder refreshScheduler(ScheduledExecutorService scheduler, Duration interval) {
      requireUnset(refreshScheduler, "refreshScheduler");
      this.refreshScheduler = Objects.requireNonNull(scheduler, "scheduler");
      this.refreshInterval = requireAtLeastOneSecond(interval, "interval");
      return this;
    }

    /**
     * Hands out short, revocable links {@code {base}/ln_…} instead of the providers' URLs; the host
     * serves {@code GET {base}/{linkId}} by redirecting to {@link Tether#connectLink}'s URL.
     */
    public Builder connectBaseUrl(URI base) {
      requireUnset(connectBaseUrl, "connectBaseUrl");
      this.connectBaseUrl = requireHttpUrl(base, "connectBaseUrl");
      return this;
    }

    /**
     * Adds origins ({@code https://your-app.com}) that callback URLs may point to, besides the
     * origins of the {@linkplain #redirectUri redirect URI} and the {@linkplain #connectBaseUrl
     * connect base URL}, which are always allowed. A session or link whose callback URL has any
     * other origin is rejected when created, so a host that forwards a user-supplied return URL
     * does not become an open redirector (RFC 9700 §4.11).
     *
     * @throws IllegalStateException if {@link #allowAnyCallbackOrigin()} was called
     */
    public Builder allowedCallbackOrigins(String... origins) {
      if (anyCallbackOrigin) {
        throw new IllegalStateException("allowAnyCallbackOrigin() was already called; an allow-list adds nothing");
      }
      for (String origin : origins) {
        URI uri = requireHttpUrl(URI.create(Objects.requireNonNull(origin, "origin").strip()), "origin");
        allowedOrigins.add(CallbackUrls.origin(uri));
      }
      return this;
    }

    /**
     * Accepts callback URLs on any origin. Only for hosts that never take a callback URL from
     * their users: otherwise anyone can make the host redirect a browser anywhere.
     *
     * @throws IllegalStateException if origins were already added
     */
    public Builder allowAnyCallbackOrigin() {
      if (!allowedOrigins.isEmpty()) {
        throw new IllegalStateException("allowedCallbackOrigins" + allowedOrigins + " was already set; "
            + "use either the allow-list or allowAnyCallbackOrigin()");
      }
      anyCallbackOrigin = true;
      return this;
    }

    /** The allow-list: the added origins plus those of the redirect URI and the connect base URL. */
    Set<String> callbackOrigins() {
      Set<String> origins = new LinkedHashSet<>(allowedOrigins);
      if (redirectUri != null) {
        origins.add(CallbackUrls.origin(redirectUri));
      }
      if (connectBaseUrl != null) {
        origins.add(CallbackUrls.origin(connectBaseUrl));
      }
      return origins;
    }

    /** Adds a listener for every account event. */
    public Builder listener(ConnectionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The engine, with its providers assembled (explicit ones, then discovered ones).
     *
     * @throws IllegalArgumentException if two explicit providers serve one toolkit
     */
    public Tether build() {
      if (clock == null) {
        clock = Clock.systemUTC();
      }
      if (linkTtl == null) {
        linkTtl = DEFAULT_LINK_TTL;
      }
      if (sessionIdleTimeout == null) {
        sessionIdleTimeout = DEFAULT_SESSION_IDLE_TIMEOUT;
      }
      ClassLoader loader = classLoader != null ? classLoader
          : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(Tether.class.getClassLoader());
      if (tokenRefreshSkew == null) {
        tokenRefreshSkew = DEFAULT_TOKEN_REFRESH_SKEW;
      }
      ProviderRegistry registry = ProviderRegistry.assemble(providers, discover == null || discover, loader);
      Tether tether = new Tether(new Engine(this, registry, Ids.perThreadDrbg()));
      if (refreshScheduler != null) {
        Duration lookahead = refreshInterval;
        refreshScheduler.scheduleWithFixedDelay(() -> tether.refreshExpiring(lookahead),
            refreshInterval.toMillis(), refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
      }
      return tether;
    }

    private static void requireUnset(Object current, String setting) {
      if (current != null) {
        throw new IllegalStateException(setting + " was already set to " + current);
      }
    }

    private static Duration requireAtLeastOneSecond(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException(what + " must be at least 1 second, got " + d);
      }
      return d;
    }

    private static URI requireHttpUrl(URI uri, String what) {
      Objects.requireNonNull(uri, what);
      String scheme = uri.getScheme();
      if (!uri.isAbsolute() || uri.getHost() == null
          || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
        throw new IllegalArgumentException(what + " must be an absolute http(s) URL with a host, got '" + uri + "'");
      }
      if (uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException(what + " must not contain user info, got '" + uri.getHost() + "…'");
      }
      return uri;
    }
  }
}

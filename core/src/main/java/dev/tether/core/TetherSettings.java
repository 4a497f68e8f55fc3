package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.core.store.StoredAccount;
import dev.tether.spi.Credentials;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * What a {@link Tether.Builder} collects and checks, and how it assembles the engine. Package-private:
 * its public methods are the builder's (they appear in its documentation); a separate file keeps the
 * entry point readable. Not thread-safe.
 */
abstract class TetherSettings {
  /** The longest link TTL, idle timeout or refresh skew: about a century. */
  private static final Duration LONGEST = Duration.ofDays(36_500);

  /** The builder itself, for chaining. */
  abstract Tether.Builder self();

  URI redirectUri;
  Clock clock;
  Duration linkTtl;
  Duration sessionIdleTimeout;
  Duration tokenRefreshSkew;
  private ScheduledExecutorService refreshScheduler;
  private ScheduledExecutorService maintenanceScheduler;
  private Duration maintenanceInterval;
  private ConnectionStore store;
  URI mcpBaseUrl;
  private Duration refreshInterval;
  URI connectBaseUrl;
  private final Set<String> allowedOrigins = new LinkedHashSet<>();
  boolean anyCallbackOrigin;
  final List<ConnectionListener> listeners = new ArrayList<>();
  private final List<ToolkitProvider> providers = new ArrayList<>();
  private Boolean discover;
  private ClassLoader classLoader;
  private ConnectionCheckRecorder checkRecorder;

  /**
   * The host's OAuth callback endpoint, registered with every OAuth client; providers send users
   * back here with {@code code} and {@code state}. Required before any OAuth link is built.
   *
   * @param uri an absolute http(s) URL with a host and no user info
   * @return this builder
   * @throws IllegalArgumentException if {@code uri} is not such a URL
   * @throws IllegalStateException if the redirect URI was already set
   */
  public Tether.Builder redirectUri(URI uri) {
    requireUnset(redirectUri, "redirectUri");
    this.redirectUri = requireHttpUrl(uri, "redirectUri");
    return self();
  }

  /**
   * The clock for every timestamp and expiry (default: the system UTC clock).
   *
   * @param clock the wall clock; not null. Tests pass one they can move forward
   * @return this builder
   * @throws IllegalStateException if the clock was already set
   */
  public Tether.Builder clock(Clock clock) {
    requireUnset(this.clock, "clock");
    this.clock = Objects.requireNonNull(clock, "clock");
    return self();
  }

  /**
   * Registers a provider explicitly; it wins over a discovered one serving the same toolkit. May
   * be called many times.
   *
   * @param provider a thread-safe provider; not null
   * @return this builder
   */
  public Tether.Builder provider(ToolkitProvider provider) {
    providers.add(Objects.requireNonNull(provider, "provider"));
    return self();
  }

  /**
   * Whether to discover providers with {@link java.util.ServiceLoader} (default true).
   *
   * @param enabled false to use only the providers given to {@link #provider}
   * @return this builder
   * @throws IllegalStateException if discovery was already set
   */
  public Tether.Builder discoverProviders(boolean enabled) {
    requireUnset(discover, "discoverProviders");
    this.discover = enabled;
    return self();
  }

  /**
   * The class loader to discover providers with (default: the thread's context class loader).
   *
   * @param loader the loader {@link java.util.ServiceLoader} searches; not null
   * @return this builder
   * @throws IllegalStateException if the class loader was already set
   */
  public Tether.Builder classLoader(ClassLoader loader) {
    requireUnset(classLoader, "classLoader");
    this.classLoader = Objects.requireNonNull(loader, "classLoader");
    return self();
  }

  /**
   * How long a pending link stays valid (default 10 minutes, at least 1 second).
   *
   * @param ttl the time from creating a link to its expiry, by the engine clock
   * @return this builder
   * @throws IllegalArgumentException if {@code ttl} is shorter than 1 second or longer than 36500
   *     days
   * @throws IllegalStateException if the link TTL was already set
   */
  public Tether.Builder linkTtl(Duration ttl) {
    requireUnset(linkTtl, "linkTtl");
    this.linkTtl = requireAtLeastOneSecond(ttl, "linkTtl");
    return self();
  }

  /**
   * How long an unused session is kept (default 24 hours, at least 1 second).
   *
   * @param timeout the idle time after which a session expires, by the engine clock
   * @return this builder
   * @throws IllegalArgumentException if {@code timeout} is shorter than 1 second or longer than
   *     36500 days
   * @throws IllegalStateException if the timeout was already set
   */
  public Tether.Builder sessionIdleTimeout(Duration timeout) {
    requireUnset(sessionIdleTimeout, "sessionIdleTimeout");
    this.sessionIdleTimeout = requireAtLeastOneSecond(timeout, "sessionIdleTimeout");
    return self();
  }

  /**
   * How close to its expiry a token is refreshed before use (default 60 seconds).
   *
   * @param skew the margin before expiry; zero refreshes only expired tokens
   * @return this builder
   * @throws IllegalArgumentException if {@code skew} is negative or longer than 36500 days
   * @throws IllegalStateException if the skew was already set
   */
  public Tether.Builder tokenRefreshSkew(Duration skew) {
    requireUnset(tokenRefreshSkew, "tokenRefreshSkew");
    Objects.requireNonNull(skew, "skew");
    if (skew.isNegative()) {
      throw new IllegalArgumentException("tokenRefreshSkew must not be negative, got " + skew);
    }
    this.tokenRefreshSkew = requireAtMostACentury(skew, "tokenRefreshSkew");
    return self();
  }

  /**
   * Refreshes expiring tokens ahead of use: every {@code interval}, on the host's
   * {@code scheduler}, the engine calls {@link Tether#refreshExpiring(Duration)} with the interval
   * as lookahead. The engine starts no thread of its own; shut the scheduler down to stop.
   *
   * @param scheduler the host's scheduler; not null
   * @param interval the delay between two runs, at least 1 second
   * @return this builder
   * @throws IllegalArgumentException if {@code interval} is shorter than 1 second
   * @throws IllegalStateException if a refresh scheduler was already set
   */
  public Tether.Builder refreshScheduler(ScheduledExecutorService scheduler, Duration interval) {
    requireUnset(refreshScheduler, "refreshScheduler");
    this.refreshScheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.refreshInterval = requireAtLeastOneSecond(interval, "interval");
    return self();
  }

  /**
   * Where the engine keeps sessions, accounts, credentials and pending links (default: a new
   * {@link ConnectionStores#inMemory()} store). Engines that share a store (application nodes on
   * one database) share their users: a callback may arrive at any of them, refresh is
   * single-flight across all of them, and every waiter and listener hears of every change.
   *
   * @param store the store; not null
   * @return this builder
   * @throws IllegalStateException if a store was already set
   */
  public Tether.Builder store(ConnectionStore store) {
    requireUnset(this.store, "store");
    this.store = Objects.requireNonNull(store, "store");
    return self();
  }

  /**
   * Runs the engine's background work (expiring links nobody touches, dropping dead links and
   * idle sessions) on the host's {@code scheduler} every {@code interval}, in bounded slices,
   * instead of in small slices on callers' threads. The engine starts no thread of its own; shut
   * the scheduler down to stop.
   *
   * @param scheduler the host's scheduler; not null
   * @param interval time between runs; at least 1 second
   * @return this builder
   * @throws IllegalArgumentException if {@code interval} is shorter than 1 second
   * @throws IllegalStateException if a maintenance scheduler was already set
   */
  public Tether.Builder maintenanceScheduler(ScheduledExecutorService scheduler, Duration interval) {
    requireUnset(maintenanceScheduler, "maintenanceScheduler");
    this.maintenanceScheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.maintenanceInterval = requireAtLeastOneSecond(interval, "interval");
    return self();
  }

  /**
   * Where the host serves MCP (e.g. {@code tether-mcp}'s servlet mapped at {@code /mcp/*}):
   * {@link Session#mcp()} then gives each session its endpoint {@code {base}/{sessionId}}.
   *
   * @param base an absolute http(s) URL with a host and no user info
   * @return this builder
   * @throws IllegalArgumentException if {@code base} is not such a URL
   * @throws IllegalStateException if it was already set
   */
  public Tether.Builder mcpBaseUrl(URI base) {
    requireUnset(mcpBaseUrl, "mcpBaseUrl");
    this.mcpBaseUrl = requireHttpUrl(base, "mcpBaseUrl");
    return self();
  }

  /**
   * Hands out short, revocable links {@code {base}/ln_…} instead of the providers' URLs; the host
   * serves {@code GET {base}/{linkId}} by redirecting to {@link Tether#connectLink}'s URL.
   *
   * @param base an absolute http(s) URL with a host and no user info, e.g.
   *     {@code https://your-app.com/connect}
   * @return this builder
   * @throws IllegalArgumentException if {@code base} is not such a URL
   * @throws IllegalStateException if the connect base URL was already set
   */
  public Tether.Builder connectBaseUrl(URI base) {
    requireUnset(connectBaseUrl, "connectBaseUrl");
    this.connectBaseUrl = requireHttpUrl(base, "connectBaseUrl");
    return self();
  }

  /**
   * Adds origins ({@code https://your-app.com}) that callback URLs may point to, besides the
   * origins of the {@linkplain #redirectUri redirect URI} and the {@linkplain #connectBaseUrl
   * connect base URL}, which are always allowed. A session or link whose callback URL has any
   * other origin is rejected when created, so a host that forwards a user-supplied return URL
   * does not become an open redirector (RFC 9700 §4.11).
   *
   * @param origins absolute http(s) URLs; only their scheme, host and port count
   * @return this builder
   * @throws IllegalArgumentException if an origin is not an absolute http(s) URL with a host
   * @throws IllegalStateException if {@link #allowAnyCallbackOrigin()} was called
   */
  public Tether.Builder allowedCallbackOrigins(String... origins) {
    if (anyCallbackOrigin) {
      throw new IllegalStateException("allowAnyCallbackOrigin() was already called; an allow-list adds nothing");
    }
    for (String origin : origins) {
      URI uri = requireHttpUrl(URI.create(Objects.requireNonNull(origin, "origin").strip()), "origin");
      allowedOrigins.add(CallbackUrls.origin(uri));
    }
    return self();
  }

  /**
   * Accepts callback URLs on any origin. Only for hosts that never take a callback URL from
   * their users: otherwise anyone can make the host redirect a browser anywhere.
   *
   * @return this builder
   * @throws IllegalStateException if origins were already added
   */
  public Tether.Builder allowAnyCallbackOrigin() {
    if (!allowedOrigins.isEmpty()) {
      throw new IllegalStateException("allowedCallbackOrigins" + allowedOrigins + " was already set; "
          + "use either the allow-list or allowAnyCallbackOrigin()");
    }
    anyCallbackOrigin = true;
    return self();
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

  /**
   * Adds a listener for every account event. May be called many times.
   *
   * @param listener called synchronously after each change; not null, and thread-safe
   * @return this builder
   */
  public Tether.Builder listener(ConnectionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return self();
  }

  /**
   * Records every connection check (the typed {@link Session#manageConnections} and the
   * manage, search and wait meta-tools) with its toolkits, their statuses and its duration, for
   * metrics (default: {@link ConnectionCheckRecorder#disabled()}, which costs nothing). The recorder
   * is called on the checking thread and never sees a user, session, account or secret.
   *
   * @param recorder a fast, thread-safe recorder; not null
   * @return this builder
   * @throws IllegalStateException if a recorder was already set
   */
  public Tether.Builder connectionCheckRecorder(ConnectionCheckRecorder recorder) {
    requireUnset(checkRecorder, "connectionCheckRecorder");
    this.checkRecorder = Objects.requireNonNull(recorder, "recorder");
    return self();
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
    return requireAtMostACentury(d, what);
  }

  /**
   * The engine records times in nanoseconds of the epoch (until the year 2262), so a duration it
   * adds to the clock must leave room: {@code ChronoUnit.FOREVER} used to pass here and then fail
   * every call with an {@code ArithmeticException}.
   */
  private static Duration requireAtMostACentury(Duration d, String what) {
    if (d.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(what + " must be at most 36500 days (about a century), got " + d
          + "; for one that practically never passes, use Duration.ofDays(36500)");
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

  /** The engine, assembled from the settings (see {@link Tether.Builder#build()}). */
  Tether assemble() {
    if (clock == null) {
      clock = Clock.systemUTC();
    }
    if (linkTtl == null) {
      linkTtl = Tether.Builder.DEFAULT_LINK_TTL;
    }
    if (sessionIdleTimeout == null) {
      sessionIdleTimeout = Tether.Builder.DEFAULT_SESSION_IDLE_TIMEOUT;
    }
    ClassLoader loader = classLoader != null ? classLoader
        : Optional.ofNullable(Thread.currentThread().getContextClassLoader()).orElse(Tether.class.getClassLoader());
    if (tokenRefreshSkew == null) {
      tokenRefreshSkew = Tether.Builder.DEFAULT_TOKEN_REFRESH_SKEW;
    }
    ProviderRegistry registry = ProviderRegistry.assemble(providers, discover == null || discover, loader);
    EngineConfig config = new EngineConfig(clock, linkTtl, sessionIdleTimeout, tokenRefreshSkew, redirectUri,
        connectBaseUrl, mcpBaseUrl, new CallbackUrls(callbackOrigins(), anyCallbackOrigin));
    Engine engine = new Engine(config, registry, store != null ? store : ConnectionStores.inMemory(),
        new Listeners(listeners), Ids.perThreadDrbg(),
        checkRecorder != null ? checkRecorder : ConnectionCheckRecorder.disabled());
    Tether tether = new Tether(engine);
    if (maintenanceScheduler != null) {
      engine.maintenance().leaveToScheduler();
      maintenanceScheduler.scheduleWithFixedDelay(() -> {
        while (engine.maintenance().runSlice(engine.now())) {
          Thread.yield(); // a full slice: more is waiting
        }
      }, maintenanceInterval.toMillis(), maintenanceInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    if (refreshScheduler != null) {
      Duration lookahead = refreshInterval;
      refreshScheduler.scheduleWithFixedDelay(() -> tether.refreshExpiring(lookahead),
          refreshInterval.toMillis(), refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
    return tether;
  }
}

package dev.tether.core;

import dev.tether.spi.Credentials;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.ConnectionStores;
import dev.tether.core.store.StoredAccount;
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
 * The Tether engine: end users' sessions and connected accounts, kept in a {@link ConnectionStore}
 * (in memory unless the host gives another to {@code builder().store(...)}), with the providers
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

  Tether(Engine engine) {
    this.engine = engine;
  }

  /**
   * Starts configuring an engine.
   *
   * @return a new builder with every setting at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates a session for {@code userId} with the {@linkplain SessionOptions#defaults() default
   * options}.
   *
   * @param userId the end user's id in the host application, 1 to 256 non-blank characters
   *     without control characters
   * @return the new session, with a fresh {@code trs_…} id
   * @throws IllegalArgumentException if the user id is blank, too long or holds a control character
   */
  public Session createSession(String userId) {
    return createSession(userId, SessionOptions.defaults());
  }

  /**
   * Creates a session for {@code userId}.
   *
   * @param userId the end user's id in the host application, 1 to 256 non-blank characters
   *     without control characters
   * @param options the session's toolkits, callback URL, pinned accounts and account mode; not
   *     null
   * @return the new session, with a fresh {@code trs_…} id
   * @throws IllegalArgumentException if the user id is blank, too long or holds a control
   *     character, the callback URL is not allowed, a
   *     toolkit in the allow- or deny-list is unknown, or a pinned account does not belong to this
   *     user and toolkit; nothing is stored then
   */
  public Session createSession(String userId, SessionOptions options) {
    Instant now = engine.begin();
    return new Session(engine, engine.sessions().create(userId, options, now));
  }

  /**
   * The session with id {@code sessionId}, unless it expired or never existed.
   *
   * @param sessionId a {@code trs_…} id from {@link Session#id()}; null finds nothing
   * @return the session, or empty when it is unknown or expired
   */
  public Optional<Session> session(String sessionId) {
    return engine.sessions().find(sessionId, engine.begin()).map(r -> new Session(engine, r));
  }

  /**
   * The session an MCP request is for, when it presents the session's bearer secret: what an MCP
   * server (such as {@code tether-mcp}'s servlet) calls before it lists or runs any tool. The
   * secret is compared in constant time; an unknown or expired session and a wrong or missing
   * secret all give empty, so a caller learns nothing about which it was.
   *
   * @param sessionId the session id the request's URL names
   * @param bearer the secret from the request's {@code Authorization: Bearer …} header, or null
   * @return the session, or empty
   */
  public Optional<Session> mcpSession(String sessionId, String bearer) {
    if (sessionId == null || bearer == null) {
      return Optional.empty();
    }
    Instant now = engine.begin();
    // The secret first: a request with a wrong one must not count as a use that keeps the session alive.
    if (engine.store().session(sessionId).filter(s -> s.bearer().matches(bearer)).isEmpty()) {
      return Optional.empty();
    }
    return engine.sessions().find(sessionId, now).map(s -> new Session(engine, s));
  }

  /**
   * Completes a flow from the query parameters the provider sent to the host's redirect URI.
   * Call it from that endpoint, then redirect to {@link CallbackResult#redirectUrl()} when present,
   * else show your own page. Safe to call twice with the same state: the second call gets the
   * first outcome and performs no second exchange.
   *
   * <p>Never throws for bad input: an unknown, expired or missing state and a callback without
   * its grant come back as an unsuccessful result with a short {@link CallbackResult#error()}.
   *
   * @param queryParameters the callback's decoded query parameters ({@code state}, {@code code}
   *     or {@code error}, …); not null
   * @return what the endpoint does next; never null
   */
  public CallbackResult handleCallback(Map<String, String> queryParameters) {
    return engine.callbacks().handle(queryParameters, engine.begin());
  }

  /**
   * As {@link #handleCallback(Map)}, from the request URI the provider redirected the browser to
   * (only its query is read). A parameter that appears twice is refused ({@code
   * duplicate_parameter}) without touching any account: an honest provider never repeats one.
   *
   * @param requestUri the URI the browser requested, e.g. {@code /oauth/callback?code=…&state=…};
   *     not null
   * @return what the endpoint does next; never null
   */
  public CallbackResult handleCallback(URI requestUri) {
    return engine.callbacks().handle(requestUri, engine.begin());
  }

  /**
   * Resolves a connect link id ({@code ln_…}, the last path segment of a link under the
   * configured connect base URL) while its account is pending; empty when unknown or expired.
   *
   * @param linkId the link id as it appeared in the URL; null or malformed finds nothing
   * @return where to send the browser or which form to show; empty when the link is unknown,
   *     expired or its account no longer INITIATED
   */
  public Optional<ConnectLink> connectLink(String linkId) {
    return engine.forms().connectLink(linkId, engine.begin());
  }

  /**
   * Takes the values a user typed into a connect link's form ({@link ConnectLink#form()}): an API
   * key connects the account at once; a per-connection value such as a subdomain leads on to the
   * provider. Bad or missing values come back as {@link ConnectLinkResult#problems()} and change
   * nothing; a double submit gets the first outcome.
   *
   * @param linkId the link id the form was shown for; an unknown or expired one is not accepted
   * @param formValues the submitted values by field name (secret ones included); not null
   * @return what the form endpoint does next; never null
   */
  public ConnectLinkResult submitConnectLink(String linkId, Map<String, String> formValues) {
    return engine.forms().submit(linkId, formValues, engine.begin());
  }

  /**
   * Usable credentials for an ACTIVE account. An OAuth 2.0 token within the refresh skew of its
   * expiry is refreshed first; concurrent callers share one refresh. A rotated refresh token is
   * stored before this returns.
   *
   * @param connectedAccountId the account's {@code ca_…} id; not null
   * @return credentials whose access token is valid beyond the refresh skew (or does not expire),
   *     to use at once and not keep: a later call may return refreshed ones
   * @throws AccountNotFoundException if there is no such account
   * @throws CredentialsUnavailableException if the account is not ACTIVE, its token died (it is now
   *     EXPIRED), or a transient refresh failure left no valid token ({@code isRetryable()})
   */
  public Credentials credentials(String connectedAccountId) {
    return engine.credentials().credentials(Objects.requireNonNull(connectedAccountId, "connectedAccountId"),
        engine.begin());
  }

  /**
   * Refreshes now every ACTIVE account whose token expires within the refresh skew plus
   * {@code lookahead}; failures are announced as events and logged, never thrown. Call it from
   * your own scheduler, or let {@link Builder#refreshScheduler} do it.
   *
   * @param lookahead how far beyond the refresh skew to look; not null, usually the interval
   *     between two calls
   * @return how many accounts were due
   */
  public int refreshExpiring(Duration lookahead) {
    Objects.requireNonNull(lookahead, "lookahead");
    return engine.credentials().refreshExpiring(lookahead, engine.begin());
  }

  /**
   * The account with id {@code connectedAccountId}, if it exists.
   *
   * @param connectedAccountId the account's {@code ca_…} id; not null
   * @return a snapshot of the account (with a due link expiry applied), or empty when unknown or
   *     deleted
   */
  public Optional<ConnectedAccount> account(String connectedAccountId) {
    return engine.accounts().account(Objects.requireNonNull(connectedAccountId, "connectedAccountId"), engine.begin())
        .map(StoredAccount::view);
  }

  /**
   * The accounts matching {@code query}, oldest first.
   *
   * @param query the user, toolkit and status to match, e.g. {@code AccountQuery.ofUser("u1")};
   *     not null
   * @return snapshots of the matching accounts; empty when none match
   */
  public List<ConnectedAccount> accounts(AccountQuery query) {
    return engine.accounts().accounts(query, engine.begin());
  }

  /**
   * ACTIVE → INACTIVE: the account keeps its credentials but is not used.
   *
   * @param connectedAccountId the account's {@code ca_…} id; not null
   * @return the account after the change
   * @throws AccountNotFoundException if there is no such account
   * @throws IllegalStateException if it is not ACTIVE
   */
  public ConnectedAccount disable(String connectedAccountId) {
    return engine.accounts().disable(Objects.requireNonNull(connectedAccountId, "connectedAccountId"), engine.begin());
  }

  /**
   * INACTIVE → ACTIVE. In single-account mode the user's other ACTIVE account for the toolkit
   * becomes INACTIVE.
   *
   * @param connectedAccountId the account's {@code ca_…} id; not null
   * @return the account after the change
   * @throws AccountNotFoundException if there is no such account
   * @throws IllegalStateException if it is not INACTIVE
   */
  public ConnectedAccount enable(String connectedAccountId) {
    return engine.accounts().enable(Objects.requireNonNull(connectedAccountId, "connectedAccountId"), engine.begin());
  }

  /**
   * Deletes the account and its credentials, announcing a {@link ConnectionEvent.Type#DELETED}
   * event.
   *
   * @param connectedAccountId the account's {@code ca_…} id; not null
   * @return true if the account existed and was deleted, false if there was none
   */
  public boolean delete(String connectedAccountId) {
    return engine.accounts().delete(Objects.requireNonNull(connectedAccountId, "connectedAccountId"), engine.begin());
  }

  /**
   * Adds a listener for every account event from now on.
   *
   * @param listener called synchronously after each change; not null, and thread-safe
   */
  public void addListener(ConnectionListener listener) {
    engine.listeners().add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener.
   *
   * @param listener the listener, as it was added
   * @return true if it was registered and is now removed, false if it was not registered
   */
  public boolean removeListener(ConnectionListener listener) {
    return engine.listeners().remove(listener);
  }

  /**
   * What provider discovery found: providers in use and every problem met.
   *
   * @return the report made when the engine was built; it does not change afterwards
   */
  public ProviderReport providers() {
    return engine.registry().report();
  }

  /**
   * What the engine knows of one toolkit: its display name, auth scheme, form fields, description
   * and categories, as its provider describes it.
   *
   * @param slug the toolkit's slug, as typed (it is normalised)
   * @return the toolkit, or empty when no provider of this engine serves it
   */
  public Optional<ToolkitDescriptor> toolkit(String slug) {
    return slug == null ? Optional.empty()
        : engine.registry().find(dev.tether.spi.Slugs.normalize(slug)).map(ProviderRegistry.Entry::descriptor);
  }

  /**
   * The slugs of every toolkit this engine serves, sorted.
   *
   * @return an unmodifiable set of slugs in ascending order
   */
  public Set<String> toolkitSlugs() {
    return engine.registry().slugs();
  }

  /**
   * Performs pending maintenance now: expires links whose TTL passed (announcing the EXPIRED
   * status) and drops idle sessions. The engine also does this as it is used.
   */
  public void cleanUp() {
    engine.maintenance().cleanUp(engine.now());
  }

  @Override
  public String toString() {
    return "Tether[toolkits=" + engine.registry().slugs().size() + "]";
  }

  /**
   * Configures a {@link Tether}. Each single-valued setting may be set once; values are checked
   * when set. Not thread-safe.
   */
  public static final class Builder extends TetherSettings {
    /** Default time a pending link stays valid. */
    public static final Duration DEFAULT_LINK_TTL = Duration.ofMinutes(10);
    /** Default time an unused session is kept. */
    public static final Duration DEFAULT_SESSION_IDLE_TIMEOUT = Duration.ofHours(24);
    /** Default margin before a token's expiry within which it is refreshed. */
    public static final Duration DEFAULT_TOKEN_REFRESH_SKEW = Duration.ofSeconds(60);

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * The engine, with its providers assembled (explicit ones, then discovered ones).
     *
     * @return a new engine; with a {@linkplain #refreshScheduler refresh scheduler}, its refresh
     *     runs are scheduled before this returns
     * @throws IllegalArgumentException if two explicit providers serve one toolkit
     */
    public Tether build() {
      return assemble();
    }
  }
}

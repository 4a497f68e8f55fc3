package dev.tether.springboot;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code tether.*} settings the auto-configuration builds the engine and its endpoints from.
 * A value the engine refuses fails the application's start with an error that names the property
 * and why. Immutable; {@link #toString()} never shows a secret. (The component descriptions are plain
 * sentences: the configuration processor copies them into the metadata IDEs show.)
 *
 * @param redirectUri OAuth redirect URI registered with every OAuth client, e.g.
 *     https://app.example.com/oauth/callback. The callback endpoint is served at its path.
 * @param connectBaseUrl Base URL of connect links, e.g. https://app.example.com/link: links become
 *     {base}/ln_..., served at its path. Needed for API-key forms and for links an LLM sees.
 * @param mcpBaseUrl Base URL of the MCP endpoint, e.g. https://app.example.com/mcp. With tether-mcp
 *     on the class path, its servlet is mapped at this path.
 * @param allowedCallbackOrigins Origins callback URLs may point to besides those of the redirect URI
 *     and the connect base URL, e.g. https://www.example.com.
 * @param linkTtl How long a pending connect link stays valid.
 * @param sessionIdleTimeout How long an unused session is kept.
 * @param tokenRefreshSkew How close to its expiry an access token is refreshed before use.
 * @param refreshInterval How often to refresh expiring tokens ahead of use, on a scheduler thread of
 *     the auto-configuration. Unset: only when credentials are asked for.
 * @param maintenanceInterval How often to expire links and drop idle sessions on that scheduler
 *     thread. Unset: in small slices on callers' threads.
 * @param discoverProviders Whether to discover provider plugins on the class path with
 *     ServiceLoader, besides ToolkitProvider beans and the clients configured here.
 * @param providers OAuth 2.0 clients by catalog family (google, github, microsoft, ...): together
 *     they make one OAuth2Catalog, registered explicitly.
 * @param web OAuth callback and connect-link endpoints.
 * @param mcp MCP servlet.
 * @param store Where the engine keeps its state.
 */
@ConfigurationProperties("tether")
public record TetherProperties(
    URI redirectUri,
    URI connectBaseUrl,
    URI mcpBaseUrl,
    @DefaultValue List<String> allowedCallbackOrigins,
    @DefaultValue("10m") Duration linkTtl,
    @DefaultValue("24h") Duration sessionIdleTimeout,
    @DefaultValue("60s") Duration tokenRefreshSkew,
    Duration refreshInterval,
    Duration maintenanceInterval,
    @DefaultValue("true") boolean discoverProviders,
    @DefaultValue Map<String, Client> providers,
    @DefaultValue Web web,
    @DefaultValue Mcp mcp,
    @DefaultValue Store store) {

  /**
   * Copies the collections.
   *
   * @param redirectUri the OAuth redirect URI, or null
   * @param connectBaseUrl the connect base URL, or null
   * @param mcpBaseUrl the MCP base URL, or null
   * @param allowedCallbackOrigins extra callback origins
   * @param linkTtl the link time-to-live
   * @param sessionIdleTimeout the session idle timeout
   * @param tokenRefreshSkew the token refresh skew
   * @param refreshInterval the ahead-of-use refresh interval, or null for none
   * @param maintenanceInterval the scheduled maintenance interval, or null for none
   * @param discoverProviders whether to discover provider plugins
   * @param providers OAuth 2.0 clients by family
   * @param web the endpoints' settings
   * @param mcp the MCP servlet's settings
   * @param store the store's settings
   */
  public TetherProperties {
    allowedCallbackOrigins = allowedCallbackOrigins == null ? List.of() : List.copyOf(allowedCallbackOrigins);
    providers = providers == null ? Map.of() : Map.copyOf(providers);
    web = web == null ? new Web(true, null, null) : web;
    mcp = mcp == null ? new Mcp(true, List.of(), List.of()) : mcp;
    store = store == null ? new Store(null) : store;
  }

  /** Shows the settings, with every client secret and key left out. */
  @Override
  public String toString() {
    return "TetherProperties[redirectUri=" + redirectUri + ", connectBaseUrl=" + connectBaseUrl + ", mcpBaseUrl="
        + mcpBaseUrl + ", allowedCallbackOrigins=" + allowedCallbackOrigins + ", linkTtl=" + linkTtl
        + ", sessionIdleTimeout=" + sessionIdleTimeout + ", tokenRefreshSkew=" + tokenRefreshSkew
        + ", refreshInterval=" + refreshInterval + ", maintenanceInterval=" + maintenanceInterval
        + ", discoverProviders=" + discoverProviders + ", providers=" + new TreeMap<>(providers) + ", web=" + web
        + ", mcp=" + mcp + ", store=" + store + "]";
  }

  /**
   * One OAuth client of a catalog family, as registered with that provider.
   *
   * @param clientId OAuth client id.
   * @param clientSecret OAuth client secret; unset for a public client that relies on PKCE. Keep it
   *     out of files under version control, e.g. set TETHER_PROVIDERS_GOOGLE_CLIENTSECRET.
   */
  public record Client(String clientId, String clientSecret) {
    /** Shows the client id only. */
    @Override
    public String toString() {
      boolean set = clientSecret != null && !clientSecret.isEmpty();
      return "Client[clientId=" + clientId + ", clientSecret=" + (set ? "****" : "none") + "]";
    }
  }

  /**
   * The endpoints a person's browser reaches, answered by {@code tether-pages}.
   *
   * @param enabled Whether to register the OAuth callback and connect-link endpoints.
   * @param callbackPath Path of the OAuth callback endpoint, relative to the servlet context.
   *     Default: the redirect URI's path, else /oauth/callback.
   * @param linkPath Path under which connect links are served, as {linkPath}/{linkId}, relative to
   *     the servlet context. Default: the connect base URL's path, else /link.
   */
  public record Web(@DefaultValue("true") boolean enabled, String callbackPath, String linkPath) {}

  /**
   * The MCP servlet ({@code tether-mcp}), mapped at the MCP base URL's path.
   *
   * @param enabled Whether to register the MCP servlet when tether-mcp is on the class path and
   *     tether.mcp-base-url is set.
   * @param allowedOrigins Browser origins allowed to call the MCP endpoint besides its own.
   * @param allowedHosts Host header values allowed besides the endpoint's own and loopback, e.g. the
   *     name a reverse proxy forwards.
   */
  public record Mcp(@DefaultValue("true") boolean enabled, @DefaultValue List<String> allowedOrigins,
      @DefaultValue List<String> allowedHosts) {
    /**
     * Copies the lists.
     *
     * @param enabled whether to register the servlet
     * @param allowedOrigins extra allowed origins
     * @param allowedHosts extra allowed hosts
     */
    public Mcp {
      allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
      allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
    }
  }

  /**
   * Where the engine keeps sessions, accounts and credentials: in memory unless a store applies.
   *
   * @param postgres PostgreSQL store, used when tether-store-postgres and a DataSource are present.
   */
  public record Store(@DefaultValue Postgres postgres) {
    /**
     * Fills in the defaults.
     *
     * @param postgres the PostgreSQL store's settings, or null for the defaults
     */
    public Store {
      postgres = postgres == null ? new Postgres(true, "tether", true, null, null, Map.of()) : postgres;
    }
  }

  /**
   * The PostgreSQL store ({@code tether-store-postgres}) on the application's {@code DataSource}.
   *
   * @param enabled Whether to use the PostgreSQL store when it applies; false keeps the engine in
   *     memory.
   * @param schema Schema that holds the store's tables, created when migrating.
   * @param migrate Whether to apply the store's migrations at start-up; false when Flyway or
   *     Liquibase runs them.
   * @param encryptionKey AES-256 key that encrypts credentials at rest: 32 bytes, base64. From a
   *     secret manager or the environment, never from a file under version control.
   * @param encryptionKeyId Id stored beside each ciphertext: 1 to 64 of A-Z, a-z, 0-9, '.', '_' and
   *     '-'. Never reuse an id for another key.
   * @param decryptionKeys Older keys rows may still be encrypted with after a rotation, by key id,
   *     each 32 bytes in base64: read, never written.
   */
  public record Postgres(@DefaultValue("true") boolean enabled, @DefaultValue("tether") String schema,
      @DefaultValue("true") boolean migrate, String encryptionKeyId, String encryptionKey,
      @DefaultValue Map<String, String> decryptionKeys) {
    /**
     * Copies the key map.
     *
     * @param enabled whether to use the store
     * @param schema the schema
     * @param migrate whether to migrate
     * @param encryptionKeyId the encryption key's id
     * @param encryptionKey the encryption key, base64
     * @param decryptionKeys older keys by id, base64
     */
    public Postgres {
      decryptionKeys = decryptionKeys == null ? Map.of() : Map.copyOf(decryptionKeys);
    }

    /** Shows the key ids, never a key. */
    @Override
    public String toString() {
      return "Postgres[enabled=" + enabled + ", schema=" + schema + ", migrate=" + migrate + ", encryptionKeyId="
          + encryptionKeyId + ", encryptionKey=" + (encryptionKey == null ? "none" : "****")
          + ", decryptionKeys=" + new TreeMap<>(decryptionKeys).keySet() + "]";
    }
  }
}

package dev.tether.providers.oauth2;

import dev.tether.providers.kit.HttpClients;
import dev.tether.providers.kit.ToolkitDispatcher;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.spi.Urls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * The bundled catalog of real OAuth 2.0 toolkits (Gmail, Google Sheets, Outlook, GitHub, Slack,
 * Notion, Jira, Salesforce, Zendesk, …), each family's quirks kept as data in
 * {@code catalog.json}.
 *
 * <p>Found by {@link java.util.ServiceLoader} when this module is on the class or module path. A
 * discovered catalog reads client credentials per <em>family</em> from system properties
 * {@code tether.<family>.client-id} / {@code tether.<family>.client-secret}, else environment
 * variables {@code TETHER_<FAMILY>_CLIENT_ID} / {@code TETHER_<FAMILY>_CLIENT_SECRET} (e.g.
 * {@code TETHER_GOOGLE_CLIENT_ID} serves gmail, googlesheets, googledrive, googlecalendar and
 * googledocs). A toolkit whose family has no client is still listed; asking for its link fails with
 * a message naming both settings. Register a {@link #builder()}-made catalog explicitly to set
 * clients in code or point a family at other endpoints (a sandbox).
 *
 * <p>Thread-safe. The constructor does no I/O: the catalog is read on first use.
 */
public final class OAuth2Catalog implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  private static final String BUNDLED = "catalog.json";

  private final Builder config;
  private volatile ToolkitDispatcher<OAuth2Toolkit> toolkits;

  /** The bundled catalog with clients from system properties and the environment (for ServiceLoader). */
  public OAuth2Catalog() {
    this(new Builder());
  }

  private OAuth2Catalog(Builder config) {
    this.config = config;
  }

  /**
   * Starts configuring a catalog.
   *
   * @return a new builder for the bundled catalog, reading clients as the default constructor does
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The environment variable holding {@code family}'s client id, e.g. {@code TETHER_GOOGLE_CLIENT_ID}.
   *
   * @param family a catalog family, e.g. {@code google}
   * @return {@code TETHER_<FAMILY>_CLIENT_ID}
   */
  public static String clientIdVariable(String family) {
    return "TETHER_" + family.toUpperCase(Locale.ROOT) + "_CLIENT_ID";
  }

  /**
   * The environment variable holding {@code family}'s client secret.
   *
   * @param family a catalog family, e.g. {@code google}
   * @return {@code TETHER_<FAMILY>_CLIENT_SECRET}
   */
  public static String clientSecretVariable(String family) {
    return "TETHER_" + family.toUpperCase(Locale.ROOT) + "_CLIENT_SECRET";
  }

  /**
   * The families of the catalog and their toolkit slugs, in catalog order.
   *
   * @return an unmodifiable map from family (e.g. {@code google}) to its slugs; reads the catalog
   *     if it was not read yet
   */
  public Map<String, List<String>> families() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (OAuth2Toolkit t : dispatcher().providers()) {
      out.computeIfAbsent(t.family(), f -> new ArrayList<>()).add(t.descriptor().slug());
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The toolkit {@code slug} of this catalog, to use on its own.
   *
   * @param slug the toolkit's normalised slug
   * @return the toolkit with this catalog's client and endpoints, or empty when not in the catalog
   */
  public Optional<OAuth2Toolkit> toolkit(String slug) {
    return dispatcher().provider(slug);
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return dispatcher().toolkits();
  }

  @Override
  public String grantParameter(String toolkit) {
    return dispatcher().grantParameter(toolkit);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return dispatcher().issuer(toolkit);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return dispatcher().requiresIssuer(toolkit);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return dispatcher().authorize(request);
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return dispatcher().exchange(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    return dispatcher().refresh(request);
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    return dispatcher().connect(request);
  }

  /** The catalog's toolkits, read on first use (never in the constructor: no I/O there). */
  private ToolkitDispatcher<OAuth2Toolkit> dispatcher() {
    ToolkitDispatcher<OAuth2Toolkit> loaded = toolkits;
    if (loaded == null) {
      synchronized (this) {
        loaded = toolkits;
        if (loaded == null) {
          loaded = config.load();
          toolkits = loaded;
        }
      }
    }
    return loaded;
  }

  @Override
  public String toString() {
    ToolkitDispatcher<OAuth2Toolkit> loaded = toolkits;
    return "OAuth2Catalog[" + (loaded == null ? "not loaded" : loaded.toolkits().size() + " toolkits") + "]";
  }

  /** Configures an {@link OAuth2Catalog}. Not thread-safe. */
  public static final class Builder {
    private String catalogJson;
    private String source = BUNDLED;
    private final Map<String, String[]> clients = new LinkedHashMap<>();
    private final Map<String, URI[]> endpoints = new LinkedHashMap<>();
    private final Map<String, String> issuers = new LinkedHashMap<>();
    private final Map<String, Boolean> issuerRequired = new LinkedHashMap<>();
    private final Map<String, List<String>> scopes = new LinkedHashMap<>();
    private Map<String, String> environment;
    private Properties systemProperties;
    private HttpClient httpClient;
    private Duration requestTimeout = OAuth2Toolkit.DEFAULT_REQUEST_TIMEOUT;

    private Builder() {}

    /**
     * Uses this catalog JSON instead of the bundled one (validated at {@link #build()}).
     *
     * @param json the catalog, in the bundled {@code catalog.json}'s format; not null
     * @param sourceName what error messages call it, e.g. a file name; not null
     * @return this builder
     */
    public Builder catalog(String json, String sourceName) {
      this.catalogJson = Objects.requireNonNull(json, "json");
      this.source = Objects.requireNonNull(sourceName, "sourceName");
      return this;
    }

    /**
     * The OAuth client of {@code family} (wins over system properties and the environment).
     *
     * @param family a catalog family, e.g. {@code google} (checked at {@link #build()})
     * @param clientId the client id; not blank
     * @param clientSecret the client secret, or null for a public client that relies on PKCE
     * @return this builder
     */
    public Builder client(String family, String clientId, String clientSecret) {
      clients.put(family, new String[] {OAuth2Toolkit.Builder.requireNonBlank(clientId, "clientId"),
          clientSecret});
      return this;
    }

    /**
     * Points {@code family} at other endpoints (a sandbox, a private deployment). The catalog's
     * issuer for the family no longer applies; set the new server's with {@link #issuer}.
     *
     * @param family a catalog family (checked at {@link #build()})
     * @param authorizationUrl the authorization endpoint: absolute http(s) with a host, no user-info
     * @param tokenUrl the token endpoint: absolute http(s) with a host, no user-info
     * @return this builder
     */
    public Builder endpoints(String family, URI authorizationUrl, URI tokenUrl) {
      endpoints.put(family, new URI[] {Urls.requireHttpEndpoint(authorizationUrl, "authorizationUrl"),
          Urls.requireHttpEndpoint(tokenUrl, "tokenUrl")});
      return this;
    }

    /**
     * Replaces the scopes {@code toolkit} asks for (the catalog's are a sensible default, not a must).
     *
     * @param toolkit the toolkit's slug; not null
     * @param requested the scopes to ask for instead, none blank
     * @return this builder
     */
    public Builder scopes(String toolkit, String... requested) {
      List<String> list = new ArrayList<>();
      for (String scope : requested) {
        list.add(OAuth2Toolkit.Builder.requireNonBlank(scope, "scope"));
      }
      scopes.put(Objects.requireNonNull(toolkit, "toolkit"), List.copyOf(list));
      return this;
    }

    /**
     * The issuer {@code family}'s callbacks must carry in {@code iss} when they carry one.
     *
     * @param family a catalog family (checked at {@link #build()})
     * @param issuer the issuer identifier (RFC 9207); not blank
     * @return this builder
     */
    public Builder issuer(String family, String issuer) {
      return issuer(family, issuer, false);
    }

    /**
     * The issuer {@code family}'s callbacks must carry in {@code iss}; with {@code required}, a
     * callback without {@code iss} is refused too (RFC 9207 §2.4), for servers that always send it.
     *
     * @param family a catalog family (checked at {@link #build()})
     * @param issuer the server's issuer identifier; not blank
     * @param required whether every callback must carry it
     * @return this builder
     */
    public Builder issuer(String family, String issuer, boolean required) {
      issuers.put(family, OAuth2Toolkit.Builder.requireNonBlank(issuer, "issuer"));
      issuerRequired.put(family, required);
      return this;
    }

    /**
     * Where {@code TETHER_*} variables are read (default: {@link System#getenv()}).
     *
     * @param variables the variables, copied
     * @return this builder
     */
    public Builder environment(Map<String, String> variables) {
      this.environment = Map.copyOf(variables);
      return this;
    }

    /**
     * Where {@code tether.*} properties are read (default: {@link System#getProperties()}).
     *
     * @param properties the properties, read when the catalog is built; not null
     * @return this builder
     */
    public Builder systemProperties(Properties properties) {
      this.systemProperties = Objects.requireNonNull(properties, "properties");
      return this;
    }

    /**
     * The HTTP client for token endpoints (default: one shared client, created on first use).
     *
     * @param client the client; not null
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * How long one token-endpoint request may take (default 10 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = OAuth2Toolkit.Builder.requirePositive(timeout, "requestTimeout");
      return this;
    }

    /**
     * The catalog, read and checked now.
     *
     * @return a new catalog
     * @throws IllegalArgumentException naming every invalid entry, or a family set here that the
     *     catalog does not have
     */
    public OAuth2Catalog build() {
      OAuth2Catalog catalog = new OAuth2Catalog(this);
      Map<String, List<String>> families = catalog.families();
      for (Map<String, ?> configured : List.of(clients, endpoints, issuers)) {
        for (String family : configured.keySet()) {
          if (!families.containsKey(family)) {
            throw new IllegalArgumentException("Unknown OAuth 2.0 family '" + family + "'; the catalog has "
                + families.keySet());
          }
        }
      }
      for (String toolkit : scopes.keySet()) {
        if (catalog.toolkit(toolkit).isEmpty()) {
          throw new IllegalArgumentException("Unknown toolkit '" + toolkit + "' in scopes(...); the catalog has "
              + catalog.toolkits().stream().map(ToolkitDescriptor::slug).toList());
        }
      }
      return catalog;
    }

    ToolkitDispatcher<OAuth2Toolkit> load() {
      String json = catalogJson != null ? catalogJson : bundled();
      Supplier<HttpClient> http = httpClient != null ? () -> httpClient : HttpClients::shared;
      List<OAuth2Toolkit> out = new ArrayList<>();
      for (CatalogReader.Family family : CatalogReader.read(json, source)) {
        String[] client = clients.getOrDefault(family.name(), configuredClient(family.name()));
        String hint = "set " + clientIdVariable(family.name()) + " and " + clientSecretVariable(family.name())
            + " (or system properties tether." + family.name() + ".client-id/-secret), or "
            + "OAuth2Catalog.builder().client(\"" + family.name() + "\", id, secret)";
        for (OAuth2Spec spec : family.toolkits()) {
          out.add(new OAuth2Toolkit(adjust(spec), client == null ? null : client[0],
              client == null ? null : client[1], hint, http, requestTimeout));
        }
      }
      return ToolkitDispatcher.of("OAuth 2.0 catalog", out);
    }

    private OAuth2Spec adjust(OAuth2Spec spec) {
      URI[] urls = endpoints.get(spec.family());
      String issuer = issuers.get(spec.family());
      List<String> requested = scopes.get(spec.slug());
      if (urls == null && issuer == null && requested == null) {
        return spec;
      }
      return new OAuth2Spec(spec.slug(), spec.name(), spec.family(),
          urls == null ? spec.authorizationUrl() : urls[0].toString(),
          urls == null ? spec.tokenUrl() : urls[1].toString(), requested == null ? spec.scopes() : requested,
          spec.scopeSeparator(),
          spec.scopeParameter(), spec.pkce(), spec.basicAuth(), spec.jsonBody(), spec.authorizationParameters(),
          spec.tokenHeaders(), spec.tokenPath(), spec.okField(), spec.defaultTokenLifetime(), spec.fields(),
          issuer != null ? Optional.of(issuer) : urls != null ? Optional.empty() : spec.issuer(),
          issuer != null ? issuerRequired.get(spec.family()) : urls == null && spec.requireIssuer(),
          spec.keepAttributes(), spec.description(), spec.categories());
    }

    private String[] configuredClient(String family) {
      Properties props = systemProperties != null ? systemProperties : System.getProperties();
      Map<String, String> env = environment != null ? environment : System.getenv();
      String id = props.getProperty("tether." + family + ".client-id", env.get(clientIdVariable(family)));
      String secret = props.getProperty("tether." + family + ".client-secret", env.get(clientSecretVariable(family)));
      return id == null || id.isBlank() ? null : new String[] {id, secret == null || secret.isBlank() ? null : secret};
    }

    private static String bundled() {
      try (InputStream in = OAuth2Catalog.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException("The bundled " + BUNDLED + " is missing from tether-providers-oauth2");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read the bundled " + BUNDLED, e);
      }
    }
  }
}

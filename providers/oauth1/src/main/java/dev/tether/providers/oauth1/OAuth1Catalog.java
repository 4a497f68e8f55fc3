package dev.tether.providers.oauth1;

import dev.tether.providers.kit.ToolkitDispatcher;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bundled OAuth 1.0a toolkits: Trello. Found by {@link java.util.ServiceLoader}; reads the
 * consumer key and secret from system properties {@code tether.trello.client-id} /
 * {@code tether.trello.client-secret}, else environment variables
 * {@code TETHER_TRELLO_CLIENT_ID} / {@code TETHER_TRELLO_CLIENT_SECRET}. Without them Trello is
 * listed and asking for its link fails with a message naming both.
 *
 * <p>Thread-safe. The constructor does no I/O.
 */
public final class OAuth1Catalog implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Trello's endpoints. */
  public static final URI TRELLO_REQUEST_TOKEN = URI.create("https://trello.com/1/OAuthGetRequestToken");
  /** Trello's endpoints. */
  public static final URI TRELLO_AUTHORIZE = URI.create("https://trello.com/1/OAuthAuthorizeToken");
  /** Trello's endpoints. */
  public static final URI TRELLO_ACCESS_TOKEN = URI.create("https://trello.com/1/OAuthGetAccessToken");

  private final OAuth1Toolkit trello;
  private final ToolkitDispatcher<OAuth1Toolkit> toolkits;

  /** Trello with its consumer from system properties or the environment (for ServiceLoader). */
  public OAuth1Catalog() {
    this(System.getenv(), System.getProperties());
  }

  OAuth1Catalog(Map<String, String> environment, java.util.Properties properties) {
    String key = properties.getProperty("tether.trello.client-id", environment.get("TETHER_TRELLO_CLIENT_ID"));
    String secret = properties.getProperty("tether.trello.client-secret",
        environment.get("TETHER_TRELLO_CLIENT_SECRET"));
    this.trello = trello(TRELLO_REQUEST_TOKEN, TRELLO_AUTHORIZE, TRELLO_ACCESS_TOKEN, key, secret);
    this.toolkits = ToolkitDispatcher.of("OAuth 1.0a catalog", List.of(trello));
  }

  /**
   * Trello configured in code, e.g. against a sandbox: register the result explicitly on the
   * engine's builder.
   *
   * @param requestTokenUrl the temporary-credentials endpoint
   * @param authorizeUrl the resource-owner authorization endpoint
   * @param accessTokenUrl the token-credentials endpoint
   * @param consumerKey the Trello API key, or null or blank to list the toolkit without a client
   * @param consumerSecret the Trello API secret, or null or blank likewise
   * @return the Trello toolkit with Tether's authorization parameters (read and write, no expiry),
   *     described for search by use case
   */
  public static OAuth1Toolkit trello(URI requestTokenUrl, URI authorizeUrl, URI accessTokenUrl, String consumerKey,
      String consumerSecret) {
    OAuth1Toolkit.Builder b = OAuth1Toolkit.builder("trello").name("Trello")
        .description("Create, move and assign Trello cards on boards and lists, with checklists, due dates and "
            + "labels.")
        .categories("tasks", "project")
        .requestTokenUrl(requestTokenUrl).authorizeUrl(authorizeUrl).accessTokenUrl(accessTokenUrl)
        .authorizationParameter("name", "Tether").authorizationParameter("scope", "read,write")
        .authorizationParameter("expiration", "never")
        .missingClientHint("set TETHER_TRELLO_CLIENT_ID and TETHER_TRELLO_CLIENT_SECRET (the Trello API key and "
            + "secret), or system properties tether.trello.client-id/-secret");
    if (consumerKey != null && !consumerKey.isBlank() && consumerSecret != null && !consumerSecret.isBlank()) {
      b.consumer(consumerKey, consumerSecret);
    }
    return b.build();
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return toolkits.toolkits();
  }

  @Override
  public String grantParameter(String toolkit) {
    return toolkits.grantParameter(toolkit);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return toolkits.issuer(toolkit);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return toolkits.requiresIssuer(toolkit);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return toolkits.authorize(request);
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return toolkits.exchange(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    return toolkits.refresh(request);
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    return toolkits.connect(request);
  }

  @Override
  public String toString() {
    return "OAuth1Catalog[" + trello + "]";
  }
}

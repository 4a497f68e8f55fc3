package dev.tether.providers.apikey;

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
import java.util.Optional;

/**
 * The bundled API-key toolkits: Exa ({@code x-api-key} header), Tavily (bearer), SerpApi
 * ({@code api_key} query parameter), Firecrawl (bearer) and OpenAI (bearer, {@code sk-} keys).
 * Found by {@link java.util.ServiceLoader}; needs no configuration (the user brings the key).
 * Their links are connect-link forms, so the engine needs a {@code connectBaseUrl}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ApiKeyCatalog implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /** Immutable, so every instance shares it. */
  private static final ToolkitDispatcher<ApiKeyToolkit> BUNDLED = ToolkitDispatcher.of("API-key catalog", List.of(
      ApiKeyToolkit.builder("exa").name("Exa").header("x-api-key").checkUrl(URI.create("https://api.exa.ai"))
          .description("Search the web by meaning with Exa, including research papers, news and company sites, and "
              + "get page contents, highlights and similar links.")
          .categories("search", "web").build(),
      ApiKeyToolkit.builder("tavily").name("Tavily").bearer().checkUrl(URI.create("https://api.tavily.com"))
          .description("Search the web and the news with Tavily, and get ranked results with extracted page content "
              + "and a short answer.")
          .categories("search", "web", "news").build(),
      ApiKeyToolkit.builder("serpapi").name("SerpApi").queryParameter("api_key")
          .checkUrl(URI.create("https://serpapi.com"))
          .description("Get Google, Bing and other search engines' results (web, news, images, maps, shopping) as "
              + "JSON through SerpApi.")
          .categories("search", "web", "news").build(),
      ApiKeyToolkit.builder("firecrawl").name("Firecrawl").bearer()
          .checkUrl(URI.create("https://api.firecrawl.dev"))
          .description("Scrape and crawl websites with Firecrawl: turn pages into markdown or structured data, and "
              + "map a site's URLs.")
          .categories("scraping", "web").build(),
      ApiKeyToolkit.builder("openai").name("OpenAI").bearer().prefix("sk-")
          .checkUrl(URI.create("https://api.openai.com"))
          .description("Call OpenAI models: chat completions and text generation, embeddings, image generation, and "
              + "transcribing or translating audio.")
          .categories("ai").build()));

  /** The bundled toolkits (for ServiceLoader). */
  public ApiKeyCatalog() {}

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return BUNDLED.toolkits();
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    return BUNDLED.connect(request);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return BUNDLED.authorize(request);
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return BUNDLED.exchange(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    return BUNDLED.refresh(request);
  }

  @Override
  public String grantParameter(String toolkit) {
    return BUNDLED.grantParameter(toolkit);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return BUNDLED.issuer(toolkit);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return BUNDLED.requiresIssuer(toolkit);
  }

  @Override
  public String toString() {
    return "ApiKeyCatalog" + BUNDLED.toolkits().stream().map(ToolkitDescriptor::slug).toList();
  }
}

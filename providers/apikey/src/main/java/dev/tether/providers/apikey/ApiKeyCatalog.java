package dev.tether.providers.apikey;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

  private static final List<ApiKeyToolkit> BUNDLED = List.of(
      ApiKeyToolkit.builder("exa").name("Exa").header("x-api-key").checkUrl(URI.create("https://api.exa.ai")).build(),
      ApiKeyToolkit.builder("tavily").name("Tavily").bearer().checkUrl(URI.create("https://api.tavily.com")).build(),
      ApiKeyToolkit.builder("serpapi").name("SerpApi").queryParameter("api_key")
          .checkUrl(URI.create("https://serpapi.com")).build(),
      ApiKeyToolkit.builder("firecrawl").name("Firecrawl").bearer()
          .checkUrl(URI.create("https://api.firecrawl.dev")).build(),
      ApiKeyToolkit.builder("openai").name("OpenAI").bearer().prefix("sk-")
          .checkUrl(URI.create("https://api.openai.com")).build());

  private final Map<String, ApiKeyToolkit> bySlug = new LinkedHashMap<>();

  /** The bundled toolkits (for ServiceLoader). */
  public ApiKeyCatalog() {
    BUNDLED.forEach(t -> bySlug.put(t.descriptor().slug(), t));
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return bySlug.values().stream().map(ApiKeyToolkit::descriptor).collect(Collectors.toList());
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    return require(request.toolkit()).connect(request);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return require(request.toolkit()).authorize(request);
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return require(request.toolkit()).exchange(request);
  }

  private ApiKeyToolkit require(String slug) {
    ApiKeyToolkit t = bySlug.get(slug);
    if (t == null) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' is not an API-key toolkit of this catalog");
    }
    return t;
  }

  @Override
  public String toString() {
    return "ApiKeyCatalog" + bySlug.keySet();
  }
}

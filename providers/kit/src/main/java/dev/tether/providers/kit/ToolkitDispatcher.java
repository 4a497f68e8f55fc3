package dev.tether.providers.kit;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One provider serving the toolkits of several: each SPI call goes to the provider that serves the
 * request's toolkit. A catalog holds one and forwards to it, or a host registers one directly to
 * serve several providers configured in code as one.
 *
 * <pre>{@code
 * ToolkitDispatcher<OAuth2Toolkit> both = ToolkitDispatcher.of("my toolkits", List.of(gmail, github));
 * }</pre>
 *
 * <p>Calls that act for a toolkit ({@code authorize}, {@code exchange}, {@code refresh},
 * {@code connect}) refuse a slug none of the providers serves with an
 * {@link IllegalArgumentException}; questions about one ({@code grantParameter}, {@code issuer},
 * {@code requiresIssuer}) answer the SPI's defaults for it. Immutable, and thread-safe when the
 * providers are (as the SPI requires).
 *
 * @param <P> the type of the providers, so that a catalog can hand out its own
 */
public final class ToolkitDispatcher<P extends ToolkitProvider> implements ToolkitProvider {
  private final String description;
  private final Map<String, P> bySlug;
  private final List<P> providers;
  private final List<ToolkitDescriptor> toolkits;

  private ToolkitDispatcher(String description, Map<String, P> bySlug, List<P> providers,
      List<ToolkitDescriptor> toolkits) {
    this.description = description;
    this.bySlug = bySlug;
    this.providers = providers;
    this.toolkits = toolkits;
  }

  /**
   * A dispatcher over {@code providers}, reading each one's {@link ToolkitProvider#toolkits()} once.
   *
   * @param <P> the type of the providers
   * @param description what messages call the whole, e.g. {@code OAuth 2.0 catalog}; not null
   * @param providers the providers, in the order their toolkits are listed; not null, none null
   * @return the dispatcher
   * @throws IllegalArgumentException if two providers (or one, twice) serve the same slug
   */
  public static <P extends ToolkitProvider> ToolkitDispatcher<P> of(String description,
      Collection<? extends P> providers) {
    Objects.requireNonNull(description, "description");
    Map<String, P> bySlug = new LinkedHashMap<>();
    List<ToolkitDescriptor> toolkits = new ArrayList<>();
    List<P> all = new ArrayList<>();
    for (P provider : providers) {
      Objects.requireNonNull(provider, "provider");
      all.add(provider);
      for (ToolkitDescriptor toolkit : provider.toolkits()) {
        if (bySlug.putIfAbsent(toolkit.slug(), provider) != null) {
          throw new IllegalArgumentException("Toolkit '" + toolkit.slug() + "' is served twice in this "
              + description + "; slugs must be unique");
        }
        toolkits.add(toolkit);
      }
    }
    return new ToolkitDispatcher<>(description, java.util.Collections.unmodifiableMap(bySlug), List.copyOf(all),
        List.copyOf(toolkits));
  }

  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  /**
   * Every provider's toolkits, in the order the providers were given.
   *
   * @return the same immutable list on every call
   */
  @Override
  public List<ToolkitDescriptor> toolkits() {
    return toolkits;
  }

  /**
   * The providers, in the order they were given.
   *
   * @return an immutable list
   */
  public List<P> providers() {
    return providers;
  }

  /**
   * The provider that serves {@code slug}.
   *
   * @param slug a toolkit's normalised slug
   * @return the provider, or empty when none of them serves it
   */
  public Optional<P> provider(String slug) {
    return Optional.ofNullable(bySlug.get(slug));
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return route(request.toolkit()).authorize(request);
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return route(request.toolkit()).exchange(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    return route(request.toolkit()).refresh(request);
  }

  @Override
  public Credentials connect(ConnectRequest request) {
    return route(request.toolkit()).connect(request);
  }

  @Override
  public String grantParameter(String toolkit) {
    P provider = bySlug.get(toolkit);
    return provider == null ? ToolkitProvider.super.grantParameter(toolkit) : provider.grantParameter(toolkit);
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    P provider = bySlug.get(toolkit);
    return provider == null ? Optional.empty() : provider.issuer(toolkit);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    P provider = bySlug.get(toolkit);
    return provider != null && provider.requiresIssuer(toolkit);
  }

  private P route(String slug) {
    P provider = bySlug.get(slug);
    if (provider == null) {
      throw new IllegalArgumentException("Toolkit '" + slug + "' is not in this " + description + "; it serves "
          + bySlug.keySet());
    }
    return provider;
  }

  @Override
  public String toString() {
    return "ToolkitDispatcher[" + description + ", " + bySlug.keySet() + "]";
  }
}

package dev.tether.core;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.util.List;

/** Found through {@code META-INF/services} in the test class path. */
public final class DiscoverableTestProvider implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return List.of(new ToolkitDescriptor("acme_notes", "Acme Notes", AuthScheme.OAUTH2),
        new ToolkitDescriptor("weathermap", "Weather Map", AuthScheme.NONE));
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    return AuthorizationLink.of(URI.create("https://discovered.example/authorize?state=" + request.state().reveal()));
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    return Credentials.builder(AuthScheme.OAUTH2).accessToken("discovered").build();
  }

  /** Its constructor throws: discovery must report it and carry on. */
  public static final class ThrowingConstructor extends Delegating {
    public ThrowingConstructor() {
      throw new IllegalStateException("cannot start: client secret 'sk_live_TOPSECRET' refused");
    }
  }

  /** Lists its toolkits through a class its jar lacks (an optional dependency left out). */
  public static final class MissingDependency extends Delegating {
    @Override
    public List<ToolkitDescriptor> toolkits() {
      throw new NoClassDefFoundError("com/example/OptionalSdk");
    }
  }

  /** Refuses its configuration, quoting it, while listing its toolkits. */
  public static final class ChattyConfig extends Delegating {
    @Override
    public List<ToolkitDescriptor> toolkits() {
      throw new IllegalStateException("client secret 'sk_live_TOPSECRET' rejected");
    }
  }

  /** Built for a newer SPI than the engine speaks. */
  public static final class FutureSpi extends Delegating {
    @Override
    public int spiVersion() {
      return ToolkitProvider.SPI_VERSION + 1;
    }
  }

  /** Claims a slug another discovered provider serves. */
  public static final class Duplicate extends Delegating {}

  /** Serves notion through {@link DiscoverableTestProvider}'s logic. */
  public abstract static class Delegating implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

    private final DiscoverableTestProvider inner = new DiscoverableTestProvider();

    @Override
    public List<ToolkitDescriptor> toolkits() {
      return List.of(new ToolkitDescriptor("acme_notes", "Acme Notes (other)", AuthScheme.OAUTH2));
    }

    @Override
    public AuthorizationLink authorize(AuthorizationRequest request) {
      return inner.authorize(request);
    }

    @Override
    public Credentials exchange(ExchangeRequest request) {
      return inner.exchange(request);
    }
  }
}

package dev.tether.core;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.testkit.FakeToolkitProvider;
import java.util.List;

/** A provider that hands every call to a fake; a test overrides the one call it steers. */
abstract class DelegatingProvider implements ToolkitProvider {
  private final FakeToolkitProvider inner;

  DelegatingProvider(FakeToolkitProvider inner) {
    this.inner = inner;
  }

  @Override
  public int spiVersion() {
    return inner.spiVersion();
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return inner.toolkits();
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

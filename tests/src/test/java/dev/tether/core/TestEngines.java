package dev.tether.core;

import java.net.URI;
import java.util.Map;

/** Builders and flows shared by the engine tests. */
final class TestEngines {
  static final URI REDIRECT_URI = URI.create("https://host.example/oauth/callback");

  private TestEngines() {}

  /** An engine over {@code provider} with no discovery, driven by {@code clock}. */
  static Tether.Builder builder(FakeProvider provider, MutableClock clock) {
    return Tether.builder()
        .redirectUri(REDIRECT_URI)
        .clock(clock)
        .discoverProviders(false)
        .provider(provider);
  }

  /** Plays the user approving the link: the provider's redirect back with a code. */
  static Map<String, String> approve(URI providerLink, String code) {
    return Map.of("state", FakeProvider.stateOf(providerLink), "code", code, "iss", FakeProvider.ISSUER);
  }

  /** Plays the user denying the link. */
  static Map<String, String> deny(URI providerLink, String error) {
    return Map.of("state", FakeProvider.stateOf(providerLink), "error", error,
        "error_description", "The user said no to token=abc");
  }
}

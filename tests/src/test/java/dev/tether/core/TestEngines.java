package dev.tether.core;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builders and flows shared by the engine tests, over testkit's fake provider and clock. */
final class TestEngines {
  static final URI REDIRECT_URI = URI.create("https://host.example/oauth/callback");

  private TestEngines() {}

  /** gmail, github, slack (OAuth 2.0) and hackernews (no auth). */
  static FakeToolkitProvider standardProvider() {
    return FakeToolkitProvider.builder().oauth2("gmail", "Gmail").oauth2("github", "GitHub")
        .oauth2("slack", "Slack").noAuth("hackernews", "Hacker News").build();
  }

  /** A fake serving exactly {@code toolkits}. */
  static FakeToolkitProvider provider(ToolkitDescriptor... toolkits) {
    FakeToolkitProvider.Builder b = FakeToolkitProvider.builder();
    for (ToolkitDescriptor t : toolkits) {
      b.toolkit(t);
    }
    return b.build();
  }

  /** Credentials named after the callback's code: access-{code} and refresh-{code}, valid an hour. */
  static Credentials tokenFor(ExchangeRequest r) {
    return Credentials.builder(AuthScheme.OAUTH2)
        .accessToken("access-" + r.parameter("code").orElse("none"))
        .refreshToken("refresh-" + r.parameter("code").orElse("none"))
        .expiresAt(r.now().plus(Duration.ofHours(1)))
        .build();
  }

  /** An engine over {@code provider} with no discovery, driven by {@code clock}. */
  static Tether.Builder builder(FakeToolkitProvider provider, TestClock clock) {
    return Tether.builder()
        .redirectUri(REDIRECT_URI)
        .clock(clock)
        .discoverProviders(false)
        .provider(provider);
  }

  /** Plays the user denying the link, with a description the engine must never reflect. */
  static Map<String, String> deny(URI providerLink, String error) {
    return FakeToolkitProvider.deny(providerLink, error, "The user said no to token=abc");
  }

  /** The decoded query parameters of {@code uri}, in order. */
  static Map<String, String> query(URI uri) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}

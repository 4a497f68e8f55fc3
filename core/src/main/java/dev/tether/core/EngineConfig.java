package dev.tether.core;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The settings every use case reads, fixed when the engine is built. Immutable.
 *
 * @param redirectUri the host's OAuth callback endpoint, or null when none is configured
 * @param connectBaseUrl where {@code ln_…} links live, or null for the providers' URLs
 * @param mcpBaseUrl where the host serves MCP, or null when it does not
 */
record EngineConfig(Clock clock, Duration linkTtl, Duration sessionIdleTimeout, Duration refreshSkew, URI redirectUri,
    URI connectBaseUrl, URI mcpBaseUrl, CallbackUrls callbackUrls) {
  /** A redirect URI no provider will accept, for providers that need none (typed credentials). */
  private static final URI BLANK = URI.create("about:blank");

  /** The engine's time: read once per operation and handed down. */
  Instant now() {
    return clock.instant();
  }

  URI redirectUriOrBlank() {
    return redirectUri == null ? BLANK : redirectUri;
  }

  /** {@code {base}/{segment}}. */
  static URI under(URI base, String segment) {
    String b = base.toString();
    return URI.create(b.endsWith("/") ? b + segment : b + "/" + segment);
  }

  /** {@code {connectBaseUrl}/ln_…}. */
  String connectLinkUrl(String linkId) {
    String base = connectBaseUrl.toString();
    return base.endsWith("/") ? base + linkId : base + "/" + linkId;
  }
}

package dev.tether.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's answer to an {@link AuthorizationRequest}: the URL to send the user to.
 *
 * @param url the upstream authorization URL (absolute http or https)
 * @param flowState private values the provider needs back at exchange time (e.g. an OAuth 1.0a
 *     request-token secret); the engine stores them with the pending link, hands them to
 *     {@link ToolkitProvider#exchange} and never shows them. {@link #toString()} hides the values.
 */
public record AuthorizationLink(URI url, Map<String, String> flowState) {
  /** Validates the URL and copies the map. */
  public AuthorizationLink {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (!url.isAbsolute() || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
      throw new IllegalArgumentException(
          "An authorization link must be an absolute http(s) URL, got scheme '" + scheme + "'");
    }
    flowState = Map.copyOf(flowState);
  }

  /** A link that needs no private flow state. */
  public static AuthorizationLink of(URI url) {
    return new AuthorizationLink(url, Map.of());
  }

  @Override
  public String toString() {
    return "AuthorizationLink[url=" + url.getScheme() + "://" + url.getRawAuthority()
        + url.getRawPath() + ", flowState=" + flowState.keySet() + "]";
  }
}

package dev.tether.spi;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * A provider's answer to an {@link AuthorizationRequest}: the URL to send the user to, and the
 * private values the provider needs back at exchange time.
 *
 * <p>Build it from a {@link URI} with {@link #of(URI)} or the constructor, or — on a hot path —
 * from the URL's text with {@link #of(String)}: the text is checked character by character
 * (cheaply) and parsed into a {@code URI} only if someone asks for {@link #url()}. The engine
 * itself only ever needs the text. Both ways accept the same URLs, those
 * {@link Urls#requireHttpUrl(String, String)} accepts. Immutable and thread-safe.
 * {@link #toString()} hides the query (which carries the state) and the flow-state values.
 */
public final class AuthorizationLink {
  private static final String WHAT = "An authorization link";

  private final String url;
  private final Map<String, String> flowState;
  private volatile URI parsed;

  /**
   * @param url the upstream authorization URL (absolute http or https)
   * @param flowState private values the provider needs back at exchange time (e.g. an OAuth 1.0a
   *     request-token secret); the engine stores them with the pending link, hands them to
   *     {@link ToolkitProvider#exchange} and never shows them
   * @throws IllegalArgumentException when {@link #of(String)} would refuse the URL's text: not an
   *     absolute http(s) URL with a host, or holding a character RFC 3986 does not allow (which
   *     {@code URI} lets through: non-ASCII letters, {@code [} or {@code ]} outside the host)
   */
  public AuthorizationLink(URI url, Map<String, String> flowState) {
    this.url = Urls.requireHttpUrl(Objects.requireNonNull(url, "url").toString(), WHAT);
    this.parsed = url;
    this.flowState = Map.copyOf(flowState);
  }

  private AuthorizationLink(String url, Map<String, String> flowState) {
    this.url = Urls.requireHttpUrl(url, WHAT);
    this.flowState = Map.copyOf(flowState);
  }

  /**
   * A link that needs no private flow state.
   *
   * @param url the upstream authorization URL (absolute http or https); not null
   * @return the link, with an empty {@link #flowState()}
   * @throws IllegalArgumentException as the {@linkplain #AuthorizationLink(URI, Map) constructor}
   */
  public static AuthorizationLink of(URI url) {
    return new AuthorizationLink(url, Map.of());
  }

  /**
   * A link from the URL's text, without parsing it: for providers that render URLs from an
   * already-encoded template, where a {@code URI} parse would be most of the cost of a link.
   *
   * @param url an absolute http(s) URL whose characters are all legal in a URI (RFC 3986): anything
   *     else must be percent-encoded
   * @return the link, with an empty {@link #flowState()}
   * @throws IllegalArgumentException naming the first problem (the URL itself is not repeated, as
   *     it may carry the state)
   */
  public static AuthorizationLink of(String url) {
    return new AuthorizationLink(url, Map.of());
  }

  /**
   * Like {@link #of(String)}, with private flow state.
   *
   * @param url an absolute http(s) URL whose characters are all legal in a URI (RFC 3986)
   * @param flowState private values the provider needs back at exchange time; copied
   * @return the link
   * @throws IllegalArgumentException naming the first problem with the URL (never the URL itself)
   */
  public static AuthorizationLink of(String url, Map<String, String> flowState) {
    return new AuthorizationLink(url, flowState);
  }

  /**
   * The upstream authorization URL, parsed on first use.
   *
   * @return the absolute http(s) URL the user opens; never null
   */
  public URI url() {
    URI u = parsed;
    if (u == null) {
      u = URI.create(url);
      parsed = u;
    }
    return u;
  }

  /**
   * The upstream authorization URL as text: {@code url().toString()}, without parsing it.
   *
   * @return the URL's text, which carries the state in its query: never log it
   */
  public String urlString() {
    return url;
  }

  /**
   * Private values the provider gets back in {@link ExchangeRequest#flowState()}.
   *
   * @return an immutable map, empty when the provider needs nothing back
   */
  public Map<String, String> flowState() {
    return flowState;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AuthorizationLink && ((AuthorizationLink) o).url.equals(url)
        && ((AuthorizationLink) o).flowState.equals(flowState);
  }

  @Override
  public int hashCode() {
    return 31 * url.hashCode() + flowState.hashCode();
  }

  @Override
  public String toString() {
    return "AuthorizationLink[url=" + Urls.withoutQuery(url) + ", flowState=" + flowState.keySet() + "]";
  }
}

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
 * {@link Urls#requireHttpUrl(String, String)} accepts. A provider whose links differ only in a few
 * values (the state, the PKCE challenge) can check its URL once instead, as a {@link Template}, and
 * render each link from it. Immutable and thread-safe.
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

  /** A link a {@link Template} rendered: legal by construction, so not checked again. */
  private AuthorizationLink(String renderedUrl) {
    this.url = renderedUrl;
    this.flowState = Map.of();
  }

  /**
   * A template for links that differ only in a few values: the URL's fixed text, checked once here,
   * with a hole between each two segments. For example
   * {@code template("https://idp.example/authorize?client_id=c&state=", "&code_challenge=",
   * "&code_challenge_method=S256")} has two holes, the state and the challenge.
   *
   * @param first the text up to the first hole (or the whole URL, for no holes); when there are
   *     holes it must reach into the query (or the fragment): values go only there, never into the
   *     host or the path, where a value of {@code ..} would lead a browser elsewhere
   * @param rest the texts between and after the holes, in order; each may be empty
   * @return the template; {@link Template#render(String...)} takes one value per hole
   * @throws IllegalArgumentException when the URL with each hole filled with {@code x} would not be
   *     accepted by {@link #of(String)}, or a hole comes before the query; the message names the
   *     problem and its index in that filled text, never the text
   */
  public static Template template(String first, String... rest) {
    return new Template(first, rest);
  }

  /**
   * A link's fixed text with holes for per-link values, checked once: {@link #render(String...)}
   * percent-encodes each value ({@link Urls#percentEncode(String)}) and joins it in, so every link it
   * renders is one {@link AuthorizationLink#of(String)} would accept, without checking its text again.
   * Holes are in the query or the fragment only. Immutable and thread-safe;
   * {@link #toString()} shows the URL without its query.
   */
  public static final class Template {
    private final String[] segments;

    private Template(String first, String... rest) {
      Objects.requireNonNull(first, "the template's first segment");
      Objects.requireNonNull(rest, "the template's segments");
      String[] all = new String[rest.length + 1];
      all[0] = first;
      for (int i = 0; i < rest.length; i++) {
        all[i + 1] = Objects.requireNonNull(rest[i], () -> "An authorization link template's segment is null");
      }
      // Any encoded value is unreserved characters and complete %XX triples; "x" stands for them, so a
      // '%' left open at a segment's end fails here rather than be completed by a value.
      Urls.requireHttpUrl(String.join("x", all), WHAT + " template (each hole filled with 'x')");
      if (rest.length > 0 && !Urls.reachesQuery(first)) {
        throw new IllegalArgumentException(WHAT + " template's first hole is before its query; values go only "
            + "in the query or fragment: end the first segment after the '?' (e.g. https://idp.example/authorize?state=)");
      }
      this.segments = all;
    }

    /**
     * The number of values {@link #render(String...)} takes.
     *
     * @return one less than the number of segments
     */
    public int holes() {
      return segments.length - 1;
    }

    /**
     * A link with each hole filled by its value, percent-encoded.
     *
     * @param values one per hole, in order; not null, any text (encoded here)
     * @return the link, with an empty {@link AuthorizationLink#flowState()}
     * @throws IllegalArgumentException when the number of values is not {@link #holes()}
     * @throws NullPointerException when {@code values} or one of them is null
     */
    public AuthorizationLink render(String... values) {
      Objects.requireNonNull(values, "An authorization link template's values are null");
      if (values.length != segments.length - 1) {
        throw new IllegalArgumentException("This authorization link template has " + (segments.length - 1)
            + " holes; render it with as many values, got " + values.length);
      }
      if (values.length == 2) { // OAuth 2.0 with PKCE: one exact-size concatenation, no builder
        return new AuthorizationLink(segments[0] + encode(values[0]) + segments[1] + encode(values[1])
            + segments[2]);
      }
      StringBuilder sb = new StringBuilder(segments[0]);
      for (int i = 0; i < values.length; i++) {
        sb.append(encode(values[i])).append(segments[i + 1]);
      }
      return new AuthorizationLink(sb.toString());
    }

    private static String encode(String value) {
      return Urls.percentEncode(Objects.requireNonNull(value, "An authorization link template's value is null"));
    }

    @Override
    public String toString() {
      return "AuthorizationLink.Template[url=" + Urls.withoutQuery(segments[0]) + ", holes=" + holes() + "]";
    }
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

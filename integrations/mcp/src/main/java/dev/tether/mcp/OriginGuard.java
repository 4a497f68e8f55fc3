package dev.tether.mcp;

import dev.tether.core.Session;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * DNS-rebinding protection: the {@code Origin} and {@code Host} headers against the endpoint's own
 * origin and host, loopback, and what the host added, checked by the SDK's validator ({@code 403}
 * for an origin, {@code 421} for a host). The endpoint's URL comes from the first session served
 * ({@link Session#mcp()}: all of an engine's sessions share its MCP base URL), so the defaults need
 * no configuration. Thread-safe: the validator is immutable and computing it twice is harmless.
 */
final class OriginGuard {
  private static final List<String> LOOPBACK_HOSTS = List.of("localhost:*", "127.0.0.1:*", "[::1]:*");

  private final List<String> extraOrigins;
  private final List<String> extraHosts;
  private final boolean anyHost;
  private volatile DefaultServerTransportSecurityValidator validator;

  OriginGuard(List<String> extraOrigins, List<String> extraHosts, boolean anyHost) {
    this.extraOrigins = extraOrigins;
    this.extraHosts = extraHosts;
    this.anyHost = anyHost;
  }

  /**
   * Checks a request that proved {@code session}.
   *
   * @throws ServerTransportSecurityException with the status to answer
   */
  void check(HttpServletRequest request, Session session) throws ServerTransportSecurityException {
    DefaultServerTransportSecurityValidator v = validator;
    if (v == null) {
      v = validatorFor(endpointOf(session));
      validator = v;
    }
    v.validate(new Headers(request));
  }

  /** The allow-lists for an engine whose sessions are served at {@code endpoint} (if it has an MCP base URL). */
  DefaultServerTransportSecurityValidator validatorFor(Optional<URI> endpoint) {
    List<String> origins = new ArrayList<>(extraOrigins);
    List<String> hosts = new ArrayList<>(LOOPBACK_HOSTS);
    endpoint.ifPresent(url -> {
      origins.add(originOf(url));
      hosts.add(url.getHost().toLowerCase(Locale.ROOT) + ":*");
    });
    hosts.addAll(extraHosts);
    DefaultServerTransportSecurityValidator.Builder b = DefaultServerTransportSecurityValidator.builder()
        .allowedOrigins(origins);
    if (!anyHost) {
      b.allowedHosts(hosts);
    }
    return b.build();
  }

  private static Optional<URI> endpointOf(Session session) {
    try {
      return Optional.of(session.mcp().url());
    } catch (IllegalStateException noMcpBaseUrl) {
      return Optional.empty();
    }
  }

  /** {@code scheme://host[:port]} as a browser sends it: no default port. */
  static String originOf(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort();
    boolean defaultPort = port == -1 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }

  /** An allowed origin as the host typed it, checked and lower-cased. */
  static String checkOrigin(String origin) {
    if (origin == null || !origin.matches("(?i)https?://[^/?#\\s@]+")) {
      throw new IllegalArgumentException("An allowed origin is http(s)://host[:port] or http(s)://host:* with no "
          + "path, got " + origin);
    }
    return origin.toLowerCase(Locale.ROOT);
  }

  /** An allowed host as the host typed it, checked and lower-cased. */
  static String checkHost(String host) {
    if (host == null || !host.matches("[^/?#\\s@]+") || host.contains("://")) {
      throw new IllegalArgumentException("An allowed host is a name with an optional port (mcp.example.com, "
          + "mcp.example.com:8443, mcp.example.com:*), got " + host);
    }
    return host.toLowerCase(Locale.ROOT);
  }

  /** The request's headers for the SDK's validator; host names compare case-insensitively. */
  private static final class Headers implements HeaderAccessor {
    private final HttpServletRequest request;

    Headers(HttpServletRequest request) {
      this.request = request;
    }

    @Override
    public List<String> getHeader(String name) {
      List<String> values = new ArrayList<>();
      for (String v : Collections.list(request.getHeaders(name))) {
        values.add(v.toLowerCase(Locale.ROOT));
      }
      return values;
    }

    @Override
    public List<String> getHeaderNames() {
      return Collections.list(request.getHeaderNames());
    }
  }
}

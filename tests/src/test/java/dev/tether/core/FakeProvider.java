package dev.tether.core;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.RefreshRequest;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-process provider for engine tests: builds links on {@code https://auth.example/{slug}},
 * hands out codes, and exchanges them as scripted. Counts every call. Thread-safe.
 */
final class FakeProvider implements ToolkitProvider {
  /** {@return the SPI version this provider was compiled against} */
  @Override
  public int spiVersion() {
    return SPI_VERSION;
  }

  static final String ISSUER = "https://auth.example";

  private final List<ToolkitDescriptor> toolkits;
  final AtomicInteger authorizeCalls = new AtomicInteger();
  final AtomicInteger exchangeCalls = new AtomicInteger();
  final List<AuthorizationRequest> authorizeRequests = new CopyOnWriteArrayList<>();
  final List<ExchangeRequest> exchangeRequests = new CopyOnWriteArrayList<>();
  /** Per toolkit: throw this from authorize. */
  final Map<String, RuntimeException> authorizeFailures = new ConcurrentHashMap<>();
  /** Per toolkit: what exchange does (default: credentials with a token named after the code). */
  volatile Function<ExchangeRequest, Credentials> exchange = FakeProvider::tokenFor;
  /** What refresh does (default: refuses definitively, as a provider without refresh support). */
  volatile Function<RefreshRequest, Credentials> refresh = r -> {
    throw ProviderException.definitive("refresh_unsupported", "fake provider does not refresh");
  };
  final AtomicInteger refreshCalls = new AtomicInteger();
  /** Toolkits whose callbacks must carry {@code iss}. */
  final java.util.Set<String> issuerRequired = ConcurrentHashMap.newKeySet();

  FakeProvider(ToolkitDescriptor... toolkits) {
    this.toolkits = List.of(toolkits);
  }

  /** gmail, github, slack (OAuth 2.0) and hackernews (no auth). */
  static FakeProvider standard() {
    return new FakeProvider(
        new ToolkitDescriptor("gmail", "Gmail", AuthScheme.OAUTH2),
        new ToolkitDescriptor("github", "GitHub", AuthScheme.OAUTH2),
        new ToolkitDescriptor("slack", "Slack", AuthScheme.OAUTH2),
        new ToolkitDescriptor("hackernews", "Hacker News", AuthScheme.NONE));
  }

  static Credentials tokenFor(ExchangeRequest r) {
    return Credentials.builder(AuthScheme.OAUTH2)
        .accessToken("access-" + r.parameter("code").orElse("none"))
        .refreshToken("refresh-" + r.parameter("code").orElse("none"))
        .expiresAt(r.now().plus(Duration.ofHours(1)))
        .build();
  }

  @Override
  public List<ToolkitDescriptor> toolkits() {
    return toolkits;
  }

  @Override
  public Optional<String> issuer(String toolkit) {
    return Optional.of(ISSUER);
  }

  @Override
  public boolean requiresIssuer(String toolkit) {
    return issuerRequired.contains(toolkit);
  }

  @Override
  public AuthorizationLink authorize(AuthorizationRequest request) {
    authorizeCalls.incrementAndGet();
    RuntimeException failure = authorizeFailures.get(request.toolkit());
    if (failure != null) {
      throw failure;
    }
    authorizeRequests.add(request);
    return AuthorizationLink.of(URI.create(ISSUER + "/" + request.toolkit() + "?state="
        + URLEncoder.encode(request.state().reveal(), StandardCharsets.UTF_8)
        + "&code_challenge=" + request.codeChallenge() + "&code_challenge_method=S256"));
  }

  @Override
  public Credentials exchange(ExchangeRequest request) {
    exchangeCalls.incrementAndGet();
    exchangeRequests.add(request);
    return exchange.apply(request);
  }

  @Override
  public Credentials refresh(RefreshRequest request) {
    refreshCalls.incrementAndGet();
    return refresh.apply(request);
  }

  /** The state carried by a link this provider built. */
  static String stateOf(URI link) {
    return query(link).get("state");
  }

  static Map<String, String> query(URI uri) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(java.net.URLDecoder.decode(k, StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }
}

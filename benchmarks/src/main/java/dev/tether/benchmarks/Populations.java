package dev.tether.benchmarks;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/** Engines filled with many users, for the memory and expiry measurements. */
final class Populations {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Populations() {}

  /** A 43-character token, the length of Google's and most providers' opaque tokens. */
  static String token() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static FakeToolkitProvider provider() {
    // Keeps no request: a log of every authorize and exchange would be counted as the engine's
    // memory (~490 B per account) and, being copy-on-write, makes filling a million users quadratic.
    FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail").recordRequests(false).build();
    fake.onExchange(r -> Credentials.builder(AuthScheme.OAUTH2).accessToken(token()).refreshToken(token())
        .expiresAt(r.now().plus(Duration.ofHours(1))).attribute("token_type", "Bearer").build());
    return fake;
  }

  static Tether engine(TestClock clock, FakeToolkitProvider provider) {
    return Tether.builder().redirectUri(URI.create(Fixtures.REDIRECT_URI)).clock(clock)
        .sessionIdleTimeout(Duration.ofMinutes(1)).discoverProviders(false).provider(provider).build();
  }

  /** {@code n} users with one pending gmail link each. */
  static String[] pending(Tether tether, int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      ids[i] = tether.createSession("user_" + i).authorize("gmail").id();
    }
    return ids;
  }

  /** {@code n} users with one ACTIVE gmail account each. */
  static String[] active(Tether tether, int n) {
    String[] ids = new String[n];
    for (int i = 0; i < n; i++) {
      Session s = tether.createSession("user_" + i);
      ConnectionRequest r = s.authorize("gmail");
      tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code"));
      ids[i] = r.id();
    }
    return ids;
  }
}

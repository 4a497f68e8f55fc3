package dev.tether.benchmarks;

import dev.tether.core.Tether;
import dev.tether.testkit.TestClock;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;

/**
 * Retained heap per entry, measured as the growth of the live objects (class histogram): Tether's ACTIVE
 * accounts (sessions idled out, flows expired: what stays), Tether's pending links (account and
 * flow), and Spring's {@code OAuth2AuthorizedClient} entries in its in-memory service. Tokens are
 * 43 characters everywhere. Run in its own JVM: {@code MemoryFootprint active|pending|spring N}.
 */
public final class MemoryFootprint {
  private MemoryFootprint() {}

  public static void main(String[] args) {
    String kind = args[0];
    int n = Integer.parseInt(args[1]);
    long before = usedAfterGc();
    Object keep = populate(kind, n);
    long after = usedAfterGc();
    System.out.printf("memory %s %d %.1f%n", kind, n, (after - before) / (double) n);
    if (keep.hashCode() == 42) {
      System.out.println();
    }
  }

  private static Object populate(String kind, int n) {
    switch (kind) {
      case "active": // sessions idle out, completed flows expire: what stays for a connected user
        return filled(n, Populations::active, Duration.ofMinutes(11));
      case "pending": // sessions idle out, links still pending
        return filled(n, Populations::pending, Duration.ofMinutes(2));
      case "spring": {
        ClientRegistration registration = ClientRegistration.withRegistrationId("gmail").clientId(Fixtures.CLIENT_ID)
            .clientSecret(Fixtures.CLIENT_SECRET).authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri(Fixtures.REDIRECT_URI).authorizationUri(Fixtures.AUTHORIZATION_URL).tokenUri(Fixtures.TOKEN_URL)
            .scope(Fixtures.SCOPE).build();
        InMemoryOAuth2AuthorizedClientService service =
            new InMemoryOAuth2AuthorizedClientService(new InMemoryClientRegistrationRepository(registration));
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
          String user = "user_" + i;
          service.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, user,
              new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, Populations.token(), now, now.plusSeconds(3600),
                  Set.of(Fixtures.SCOPE)),
              new OAuth2RefreshToken(Populations.token(), now)), new ConnectionCheckBenchmark.PrincipalName(user));
        }
        return service;
      }
      default:
        throw new IllegalArgumentException("kind must be active, pending or spring, got " + kind);
    }
  }

  /** An engine filled by {@code fill}, then aged by {@code age} and cleaned up. */
  private static Object filled(int n, BiFunction<Tether, Integer, String[]> fill, Duration age) {
    TestClock clock = TestClock.standing();
    Tether tether = Populations.engine(clock, Populations.provider());
    int filled = fill.apply(tether, n).length;
    clock.advance(age);
    tether.cleanUp();
    return List.of(tether, filled);
  }

  /**
   * Bytes of live objects: the least of three class histograms (what {@code jcmd GC.class_histogram}
   * prints; each runs a full GC first). Counting live objects is exact where the heap's "used"
   * figure also counts space the collector has not handed back. The first histogram after filling
   * an engine sometimes still counts 1.5 to 3 MB of {@code int[]} that the next one no longer finds
   * (garbage only a second full GC frees; where it comes from is not traced), which read as 15 to
   * 30 bytes more per entry at 100,000 entries in some runs; the least of three does not.
   */
  private static long usedAfterGc() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      least = Math.min(least, histogramTotal());
    }
    return least;
  }

  private static long histogramTotal() {
    try {
      Object histogram = ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      for (String line : histogram.toString().split("\\R")) {
        if (line.startsWith("Total")) {
          String[] parts = line.trim().split("\\s+");
          return Long.parseLong(parts[2]);
        }
      }
      throw new IllegalStateException("no Total line in the class histogram");
    } catch (JMException e) {
      throw new IllegalStateException("cannot read the class histogram", e);
    }
  }
}

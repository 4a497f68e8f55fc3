package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Credentials;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StoredCredentialsTest {
  private static final Instant EXPIRES = Instant.parse("2026-11-21T12:00:00.123456789Z");

  /** Whatever a provider returns comes back equal, secrets and all. */
  @Property(tries = 300)
  void roundTrip_givesBackEqualCredentials(@ForAll("credentials") Credentials c) {
    assertThat(StoredCredentials.of(c).toCredentials()).isEqualTo(c);
    assertThat(StoredCredentials.of(c).expiresAt()).isEqualTo(c.expiresAt());
    assertThat(StoredCredentials.of(c).hasRefreshToken()).isEqualTo(c.refreshToken().isPresent());
  }

  @Test
  void roundTrip_keepsLongAndNonAsciiValues() {
    String longToken = "x".repeat(70_000); // a three-byte length prefix
    Credentials c = Credentials.builder(AuthScheme.API_KEY).accessToken(longToken).secret("api_key", "ключ-🔑")
        .secret("other", "v").attribute("region", "eu").build();
    Credentials back = StoredCredentials.of(c).toCredentials();
    assertThat(back.accessToken().orElseThrow().reveal()).isEqualTo(longToken);
    assertThat(back.secrets().get("api_key").reveal()).isEqualTo("ключ-🔑");
    assertThat(back).isEqualTo(c);
  }

  @Test
  void accountsWithTheSameScopesAndAttributes_shareOneShape() {
    StoredCredentials a = StoredCredentials.of(oauth("a1", "r1"));
    StoredCredentials b = StoredCredentials.of(oauth("a2", "r2"));
    StoredCredentials other = StoredCredentials.of(Credentials.builder(AuthScheme.OAUTH2).accessToken("a3")
        .scopes(List.of("repo")).build());
    assertThat(a.sharesShapeWith(b)).isTrue();
    assertThat(a.sharesShapeWith(other)).isFalse();
    assertThat(b.toCredentials().accessToken().orElseThrow().reveal()).isEqualTo("a2");
  }

  @Test
  void expiresBy_comparesToTheNanosecond_andNeverForNoExpiry() {
    StoredCredentials c = StoredCredentials.of(oauth("a", "r"));
    assertThat(c.expiresBy(EXPIRES.minusNanos(1))).isFalse();
    assertThat(c.expiresBy(EXPIRES)).isTrue();
    assertThat(c.expiresBy(EXPIRES.plusSeconds(1))).isTrue();
    StoredCredentials forever = StoredCredentials.of(Credentials.builder(AuthScheme.API_KEY).secret("k", "v").build());
    assertThat(forever.expiresBy(Instant.MAX)).isFalse();
    assertThat(forever.expiresAt()).isEmpty();
  }

  @Test
  void toString_showsNoValue() {
    StoredCredentials c = StoredCredentials.of(Credentials.builder(AuthScheme.OAUTH2).accessToken("ACCESS-VALUE")
        .refreshToken("REFRESH-VALUE").secret("k", "SECRET-VALUE").build());
    assertThat(c.toString()).contains("access", "refresh", "k").doesNotContain("VALUE");
  }

  private static Credentials oauth(String access, String refresh) {
    return Credentials.builder(AuthScheme.OAUTH2).accessToken(access).refreshToken(refresh).expiresAt(EXPIRES)
        .scopes(List.of("gmail.send", "gmail.readonly")).attribute("token_type", "Bearer").build();
  }

  @Provide
  Arbitrary<Credentials> credentials() {
    Arbitrary<String> value = Arbitraries.strings().ofMinLength(1).ofMaxLength(300);
    Arbitrary<Instant> expiry = Arbitraries.longs().between(-10_000_000_000L, 10_000_000_000L)
        .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)));
    return Combinators.combine(Arbitraries.of(AuthScheme.class), value.injectNull(0.3), value.injectNull(0.5),
        expiry.injectNull(0.3), Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), value).ofMaxSize(3),
        Arbitraries.strings().alpha().ofMaxLength(10).list().ofMaxSize(3))
        .as((scheme, access, refresh, expires, secrets, scopes) -> {
          Credentials.Builder b = Credentials.builder(scheme).refreshToken(refresh).expiresAt(expires).scopes(scopes);
          if (access != null) {
            b.accessToken(access);
          }
          secrets.forEach(b::secret);
          scopes.forEach(s -> b.attribute("a_" + s, s));
          return b.build();
        });
  }
}

package dev.tether.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AuthorizationLinkTest {
  private static final String URL =
      "https://accounts.google.com/o/oauth2/v2/auth?client_id=c&scope=a%20b&state=S3cr3t-_~&x=(1)*!$'";

  @Test
  void fromText_keepsTheTextAndParsesTheSameUri() {
    AuthorizationLink link = AuthorizationLink.of(URL);
    assertThat(link.urlString()).isEqualTo(URL);
    assertThat(link.url()).isEqualTo(URI.create(URL));
    assertThat(link).isEqualTo(AuthorizationLink.of(URI.create(URL))).hasSameHashCodeAs(AuthorizationLink.of(URI.create(URL)));
  }

  @Test
  void fromUri_givesItsTextWithoutChange() {
    URI uri = URI.create("http://localhost:8080/authorize?state=abc#frag");
    assertThat(AuthorizationLink.of(uri).urlString()).isEqualTo(uri.toString());
    assertThat(AuthorizationLink.of(uri).url()).isSameAs(uri);
  }

  @Test
  void toString_hidesQueryAndFlowStateValues() {
    AuthorizationLink link = AuthorizationLink.of(URL, Map.of("token_secret", "TS-VALUE"));
    assertThat(link.toString()).contains("https://accounts.google.com/o/oauth2/v2/auth", "token_secret")
        .doesNotContain("S3cr3t", "TS-VALUE", "?");
  }

  @Test
  void fromText_rejectsOtherSchemesAndRelativeUrls() {
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("javascript:alert(1)"))
        .withMessageContaining("https://");
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("/authorize?state=x"));
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https:///path"))
        .withMessageContaining("host");
  }

  @Test
  void fromText_namesTheIllegalCharacterWithoutRepeatingTheUrl() {
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https://a.example/x?state=SECRET x"))
        .withMessageContaining("index 32").withMessageContaining("U+0020").withMessageContaining("percent-encode")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https://a.example/é"))
        .withMessageContaining("U+00E9");
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https://a.example/x?a=%zz"))
        .withMessageContaining("%25");
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https://a.example/x#a#b"))
        .withMessageContaining("%23");
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.of("https://a b.example/x"))
        .withMessageContaining("authority");
  }

  @Test
  void fromText_acceptsPortsUserInfoAndIpv6Hosts() {
    for (String ok : new String[] {"http://127.0.0.1:8080/a", "https://user@host.example/a", "http://[::1]:9/cb?x=1"}) {
      assertThat(AuthorizationLink.of(ok).url()).isEqualTo(URI.create(ok));
    }
  }

  @Test
  void constructor_refusesWhatOfStringRefuses() {
    // Before, the constructor only looked at the scheme: these passed it and failed of(String).
    for (String text : new String[] {"https:opaque", "https:///path", "http://:80/x", "https://a.example/é",
        "https://a.example/x?a=[1]", "http://x_y/cb"}) {
      URI uri = URI.create(text);
      assertThatIllegalArgumentException().as(text).isThrownBy(() -> AuthorizationLink.of(text));
      assertThatIllegalArgumentException().as(text).isThrownBy(() -> new AuthorizationLink(uri, Map.of()))
          .withMessageStartingWith("An authorization link");
      assertThatIllegalArgumentException().as(text).isThrownBy(() -> AuthorizationLink.of(uri));
    }
  }

  /** The constructor and of(String) accept the same URLs: those whose text Urls accepts. */
  @Property(tries = 2000)
  void constructorAndOfString_agree(@ForAll("urlLike") String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException notAUri) {
      return;
    }
    boolean fromText = accepts(() -> AuthorizationLink.of(text));
    boolean fromUri = accepts(() -> new AuthorizationLink(uri, Map.of()));
    assertThat(fromUri).as(text).isEqualTo(fromText);
    if (fromUri) {
      assertThat(new AuthorizationLink(uri, Map.of())).isEqualTo(AuthorizationLink.of(text));
    }
  }

  private static boolean accepts(Runnable make) {
    try {
      make.run();
      return true;
    } catch (IllegalArgumentException refused) {
      return false;
    }
  }

  /** Whatever the cheap check accepts, URI's parser accepts too, and to the same text. */
  @Property(tries = 2000)
  void everyAcceptedTextParses(@ForAll("urlLike") String text) {
    AuthorizationLink link;
    try {
      link = AuthorizationLink.of(text);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    assertThat(link.url().toString()).isEqualTo(text);
  }

  /** And the check is not stricter than it must be for the characters a provider renders. */
  @Property(tries = 500)
  void everyUriSafeQueryIsAccepted(@ForAll("safeQuery") String query) throws URISyntaxException {
    String text = "https://auth.example:443/oauth/authorize?" + query;
    new URI(text);
    assertThat(AuthorizationLink.of(text).urlString()).isEqualTo(text);
  }

  @Provide
  Arbitrary<String> urlLike() {
    Arbitrary<String> prefix = Arbitraries.of("https://", "http://", "HTTPS://", "ftp://", "https:/", "");
    Arbitrary<String> host = Arbitraries.of("a.example", "a.example:80", "[::1]", "u@h", "h:port", "", "a b", "x_y");
    Arbitrary<String> rest = Arbitraries.strings().withChars("/?#%[]@:aZ09-._~!$&'()*+,;= \"<>{}|\\^`é").ofMaxLength(30);
    return Combinators.combine(prefix, host, rest).as((p, h, r) -> p + h + r);
  }

  @Provide
  Arbitrary<String> safeQuery() {
    return Arbitraries.strings().withChars("abcXYZ019-._~!$&'()*+,;=:@/?").ofMaxLength(60);
  }
}

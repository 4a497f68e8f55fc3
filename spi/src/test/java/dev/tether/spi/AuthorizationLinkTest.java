package dev.tether.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
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

  @Test
  void template_rendersTheConcatenation_withEachValuePercentEncoded() {
    AuthorizationLink.Template t = AuthorizationLink.template("https://idp.example/authorize?client_id=c&state=",
        "&code_challenge=", "&code_challenge_method=S256");
    String expected = "https://idp.example/authorize?client_id=c&state=a%20b%2F%C3%A9%26x%3D1%25"
        + "&code_challenge=Zz-_.~&code_challenge_method=S256";
    AuthorizationLink link = t.render("a b/é&x=1%", "Zz-_.~");
    assertThat(t.holes()).isEqualTo(2);
    assertThat(link.urlString()).isEqualTo(expected);
    assertThat(link).isEqualTo(AuthorizationLink.of(expected));
    assertThat(link.url()).isEqualTo(URI.create(expected));
    assertThat(link.flowState()).isEmpty();
  }

  @Test
  void template_withOneThreeOrNoHoles_rendersEachValueInItsPlace() {
    assertThat(AuthorizationLink.template("https://a.example/x?s=", "").render("v w").urlString())
        .isEqualTo("https://a.example/x?s=v%20w");
    assertThat(AuthorizationLink.template("https://a.example/p?a=", "&b=", "#", "").render("p 1", "p2", "q?").urlString())
        .isEqualTo("https://a.example/p?a=p%201&b=p2#q%3F");
    assertThat(AuthorizationLink.template("https://a.example/x").render().urlString()).isEqualTo("https://a.example/x");
  }

  @Test
  void template_refusesAHoleBeforeTheQuery_andTextOfStringWouldRefuse_withoutRepeatingIt() {
    // In the host or the path a value could lead elsewhere: ".." is unreserved, and a browser resolves it.
    for (String[] early : new String[][] {{"https://", ".example/x?s="}, {"https://idp", "/x?s="},
        {"https://idp.example/t/", "/authorize?s="}}) {
      assertThatIllegalArgumentException().as(String.join("|", early))
          .isThrownBy(() -> AuthorizationLink.template(early[0], early[1]))
          .withMessageContaining("first hole is before its query");
    }
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.template("https://a.example/x?s=SECRET ", ""))
        .withMessageContaining("U+0020").satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    // A '%' left open at a segment's end would be completed by a value that starts with hex digits.
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.template("https://a.example/x?s=%", "1"))
        .withMessageContaining("%25");
    assertThatIllegalArgumentException().isThrownBy(() -> AuthorizationLink.template("ftp://a.example/", ""))
        .withMessageContaining("https://");
  }

  @Test
  void template_refusesTheWrongNumberOfValues_andNulls() {
    AuthorizationLink.Template t = AuthorizationLink.template("https://a.example/x?s=", "&c=", "");
    assertThatIllegalArgumentException().isThrownBy(() -> t.render("only one"))
        .withMessageContaining("2 holes").withMessageContaining("got 1");
    assertThatNullPointerException().isThrownBy(() -> t.render("s", null)).withMessageContaining("value is null");
    assertThatNullPointerException().isThrownBy(() -> t.render((String[]) null)).withMessageContaining("values are null");
    assertThatNullPointerException().isThrownBy(() -> AuthorizationLink.template("https://a.example/?", (String) null));
  }

  @Test
  void template_toString_hidesTheQuery() {
    assertThat(AuthorizationLink.template("https://a.example/auth?client_id=CLIENT&state=", "").toString())
        .contains("https://a.example/auth", "holes=1").doesNotContain("CLIENT", "?");
  }

  /**
   * The template's promise: whatever it accepts renders, for any values, a link of(String) accepts,
   * with the template's scheme and authority, each value in its hole as {@link Urls#percentEncode}
   * gives it. Most generated templates are valid (checked), so this runs rendering, not refusals.
   */
  @Property(tries = 1000)
  void everyTemplateItAccepts_rendersLinksOfStringAccepts(@ForAll("templateBase") String first,
      @ForAll("segments") List<String> rest, @ForAll("values") List<String> values) {
    AuthorizationLink.Template t;
    try {
      t = AuthorizationLink.template(first, rest.toArray(String[]::new));
    } catch (IllegalArgumentException refused) {
      Statistics.collect("refused");
      return;
    }
    Statistics.collect("accepted");
    Statistics.coverage(c -> c.check("accepted").percentage(p -> p >= 60));
    String[] filled = new String[t.holes()];
    StringBuilder expected = new StringBuilder(first);
    for (int i = 0; i < filled.length; i++) {
      filled[i] = values.isEmpty() ? "" : values.get(i % values.size());
      expected.append(Urls.percentEncode(filled[i])).append(rest.get(i));
    }
    String text = t.render(filled).urlString();
    assertThat(text).isEqualTo(expected.toString());
    assertThat(AuthorizationLink.of(text).urlString()).isEqualTo(text);
    URI parsed = URI.create(text);
    URI base = URI.create(first);
    assertThat(parsed.getScheme()).isEqualTo(base.getScheme());
    assertThat(parsed.getRawAuthority()).isEqualTo(base.getRawAuthority());
  }

  /** Whatever a value is, its encoding holds only unreserved characters and %XX, and decodes back. */
  @Property(tries = 1000)
  void percentEncode_givesOnlyUnreservedAndEscapes_andDecodesBack(@ForAll("values") List<String> values) {
    for (String v : values) {
      String encoded = Urls.percentEncode(v);
      assertThat(encoded).matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})*");
      if (StandardCharsets.UTF_8.newEncoder().canEncode(v)) {
        assertThat(URLDecoder.decode(encoded, StandardCharsets.UTF_8)).isEqualTo(v);
      }
    }
  }

  @Provide
  Arbitrary<String> templateBase() {
    Arbitrary<String> base = Arbitraries.of("https://idp.example/authorize?", "http://127.0.0.1:8080/a/b?x=1&",
        "HTTPS://Auth.Example:443/o?", "https://a.example/p#", "https://u@[::1]:9/cb?", "https://idp.example/");
    Arbitrary<String> tail = Arbitraries.strings().withChars("aZ09-._~!$&'()*+,;=:@/?").ofMaxLength(10);
    return Combinators.combine(base, tail).as((b, t) -> b + t);
  }

  @Provide
  Arbitrary<List<String>> segments() {
    return Arbitraries.strings().withChars("aZ09-._~!$&'()*+,;=:@/?").ofMaxLength(8).list().ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<String>> values() {
    return Arbitraries.strings().all().ofMaxLength(12).list().ofMaxSize(3);
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

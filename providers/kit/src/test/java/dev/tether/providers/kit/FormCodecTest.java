package dev.tether.providers.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormCodecTest {
  @Test
  void encode_keepsOnlyUnreservedCharacters() {
    // RFC 5849 §3.6 (what an OAuth 1.0a signature needs to the byte); moved from OAuth1SignerTest.
    assertThat(FormCodec.encode("Ladies + Gentlemen")).isEqualTo("Ladies%20%2B%20Gentlemen");
    assertThat(FormCodec.encode("An encoded string!")).isEqualTo("An%20encoded%20string%21");
    assertThat(FormCodec.encode("Dogs, Cats & Mice")).isEqualTo("Dogs%2C%20Cats%20%26%20Mice");
    assertThat(FormCodec.encode("☃")).isEqualTo("%E2%98%83");
    assertThat(FormCodec.encode("-._~")).isEqualTo("-._~");
  }

  @Test
  void encode_oddCharacters() {
    assertThat(FormCodec.encode("*")).as("URLEncoder keeps '*'; RFC 3986 does not").isEqualTo("%2A");
    assertThat(FormCodec.encode("a b")).as("space is %20, never +").isEqualTo("a%20b");
    assertThat(FormCodec.encode("%")).isEqualTo("%25");
    assertThat(FormCodec.encode("100%25")).as("already encoded text is encoded again").isEqualTo("100%2525");
    assertThat(FormCodec.encode("https://h.example/cb?x=1#f")).isEqualTo("https%3A%2F%2Fh.example%2Fcb%3Fx%3D1%23f");
    assertThat(FormCodec.encode("é")).isEqualTo("%C3%A9");
    assertThat(FormCodec.encode("😀")).as("a supplementary character is its four UTF-8 bytes").isEqualTo("%F0%9F%98%80");
    assertThat(FormCodec.encode("\u0000\n")).isEqualTo("%00%0A");
    assertThat(FormCodec.encode("")).isEmpty();
  }

  @Test
  void encode_unreservedText_isReturnedAsIs() {
    String state = "dGhpcyBpcyBhIHN0YXRl-_";
    assertThat(FormCodec.encode(state)).isSameAs(state);
  }

  @Test
  void encode_map_joinsInOrder() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "authorization_code");
    form.put("redirect_uri", "https://h.example/cb");
    form.put("scope", "a b");
    assertThat(FormCodec.encode(form))
        .isEqualTo("grant_type=authorization_code&redirect_uri=https%3A%2F%2Fh.example%2Fcb&scope=a%20b");
    assertThat(FormCodec.encode(Map.of())).isEmpty();
  }

  @Test
  void appendQuery_keepsQueryAndFragment() {
    Map<String, String> state = Map.of("state", "s 1");
    assertThat(FormCodec.appendQuery("https://a.example/auth", state)).isEqualTo("https://a.example/auth?state=s%201");
    assertThat(FormCodec.appendQuery("https://a.example/auth?prompt=consent", state))
        .isEqualTo("https://a.example/auth?prompt=consent&state=s%201");
    assertThat(FormCodec.appendQuery("https://a.example/auth?", state)).isEqualTo("https://a.example/auth?state=s%201");
    assertThat(FormCodec.appendQuery("https://a.example/auth?a=1&", state))
        .isEqualTo("https://a.example/auth?a=1&state=s%201");
    assertThat(FormCodec.appendQuery("https://a.example/cb#done", state)).isEqualTo("https://a.example/cb?state=s%201#done");
    assertThat(FormCodec.appendQuery("https://a.example/cb?x=1#a?b", state))
        .isEqualTo("https://a.example/cb?x=1&state=s%201#a?b");
    String url = "https://a.example/auth";
    assertThat(FormCodec.appendQuery(url, Map.of())).isSameAs(url);
  }

  @Test
  void decode_formRules() {
    assertThat(FormCodec.decode("a=b&c=d")).containsExactly(Map.entry("a", "b"), Map.entry("c", "d"));
    assertThat(FormCodec.decode("q=a+b%2Bc")).as("+ is a space, %2B a plus").containsExactly(Map.entry("q", "a b+c"));
    assertThat(FormCodec.decode("s=%e2%98%83%E2%98%83")).as("hex in either case").containsExactly(Map.entry("s", "☃☃"));
    assertThat(FormCodec.decode("x=a%3Db%26c")).containsExactly(Map.entry("x", "a=b&c"));
    assertThat(FormCodec.decode("a==b")).as("only the first '=' separates").containsExactly(Map.entry("a", "=b"));
    assertThat(FormCodec.decode("flag&c%40=")).as("no '=' or nothing after it: the empty value")
        .containsExactly(Map.entry("flag", ""), Map.entry("c@", ""));
    assertThat(FormCodec.decode("=v")).containsExactly(Map.entry("", "v"));
    assertThat(FormCodec.decode("a=1&&b=2&")).as("empty pairs are skipped")
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
    assertThat(FormCodec.decode("")).isEmpty();
    assertThat(FormCodec.decode("&")).isEmpty();
    assertThat(FormCodec.decode("k=%FF")).as("malformed UTF-8 is U+FFFD, as URLDecoder does")
        .containsExactly(Map.entry("k", "\uFFFD"));
    assertThat(FormCodec.decode("k=é")).as("raw non-ASCII passes through").containsExactly(Map.entry("k", "é"));
  }

  @Test
  void decode_keepsDuplicatesInOrder() {
    assertThat(FormCodec.decode("a3=a&a3=2+q&a2=r%20b")).containsExactly(Map.entry("a3", "a"), Map.entry("a3", "2 q"),
        Map.entry("a2", "r b"));
  }

  @Test
  void decode_malformedPercent_isRefusedByIndexNotText() {
    for (String bad : List.of("a=%zz", "a=%4", "a=%", "token=SECRET%", "a=%%41", "%GG=1", "a=%٣٣")) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> FormCodec.decode(bad))
          .withMessageContaining("index")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET").doesNotContain(bad));
    }
    assertThatIllegalArgumentException().isThrownBy(() -> FormCodec.decode("ok=1&a=%zz"))
        .withMessageContaining("index 7");
  }

  @Test
  void decodeUnique_refusesANameGivenTwice() {
    assertThat(FormCodec.decodeUnique("access_token=t&scope=repo%2Cuser"))
        .containsExactly(Map.entry("access_token", "t"), Map.entry("scope", "repo,user"));
    assertThatIllegalArgumentException().isThrownBy(() -> FormCodec.decodeUnique("access_token=A&x=1&access_token=B"))
        .withMessageContaining("pair 3").withMessageContaining("twice")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("access_token"));
    assertThatIllegalArgumentException().as("the same name, encoded two ways")
        .isThrownBy(() -> FormCodec.decodeUnique("a%20b=1&a+b=2"));
    assertThat(FormCodec.decodeUnique("")).isEmpty();
  }
}

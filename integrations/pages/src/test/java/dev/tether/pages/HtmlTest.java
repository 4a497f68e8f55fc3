package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HtmlTest {
  @Test
  void escape_hostileMarkup_becomesCharacterReferences() {
    assertThat(Html.escape("<script>alert('x')</script>"))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    assertThat(Html.escape("\" onfocus=\"alert(1)")).isEqualTo("&quot; onfocus=&quot;alert(1)");
    assertThat(Html.escape("Tom & Jerry &amp; co")).isEqualTo("Tom &amp; Jerry &amp;amp; co");
    assertThat(Html.escape("")).isEmpty();
  }

  @Test
  void escape_unicode_keptAsItIs() {
    assertThat(Html.escape("Grüße, 東京, emoji 🔑, rtl עברית")).isEqualTo("Grüße, 東京, emoji 🔑, rtl עברית");
  }

  @Test
  void escape_controlsAndLoneSurrogates_becomeReplacementCharacters() {
    assertThat(Html.escape("a\u0000b\u0007c\u007fd\u0085e")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe");
    assertThat(Html.escape("tab\tline\nreturn\r")).isEqualTo("tab\tline\nreturn\r");
    assertThat(Html.escape("\uD83D")).isEqualTo("\uFFFD");
    assertThat(Html.escape("\uDD11x\uD83D")).isEqualTo("\uFFFDx\uFFFD");
  }

  @Test
  void escape_null_isRefused() {
    assertThatThrownBy(() -> Html.escape(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("text");
  }

  @Test
  void cspHash_knownVector() {
    // echo -n "" | openssl dgst -sha256 -binary | base64
    assertThat(Html.cspHash("")).isEqualTo("'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    assertThat(Html.cspHash("body{}")).startsWith("'sha256-").endsWith("='").isNotEqualTo(Html.cspHash("body{} "));
  }
}

package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.parser.Parser;

class HtmlProperties {
  /** Any string, and strings built from the pieces attacks are made of. */
  @Provide
  Arbitrary<String> text() {
    Arbitrary<String> pieces = Arbitraries.of("<", ">", "\"", "'", "&", "&amp;", "&#39;", "<script>", "</title>",
        "<!--", "-->", "]]>", "\u0000", "\r\n", "\uD83D", "\uDD11", "🔑", "é", "\u202E", "javascript:", "=", " ", "/");
    return Arbitraries.oneOf(Arbitraries.strings(),
        pieces.list().ofMaxSize(12).map(l -> String.join("", l)));
  }

  @Property(tries = 500)
  void escape_leavesNoMarkupCharacter(@ForAll("text") String s) {
    String escaped = Html.escape(s);
    assertThat(escaped).doesNotContain("<", ">", "\"", "'");
    // every & starts one of the references the escaper writes
    assertThat(escaped.replaceAll("&(amp|lt|gt|quot|#39);", "")).doesNotContain("&");
  }

  @Property(tries = 500)
  void escape_decodesBackToTheText(@ForAll("text") String s) {
    assertThat(Parser.unescapeEntities(Html.escape(s), true)).isEqualTo(sanitized(s));
  }

  /** Whatever the value, a parser sees exactly one text node and one attribute, holding the value. */
  @Property(tries = 500)
  void escape_inTextAndAttribute_cannotChangeTheDocument(@ForAll("text") String s) {
    String e = Html.escape(s);
    Document doc = Jsoup.parse("<!doctype html><title>" + e + "</title><p id=\"v\" title=\"" + e + "\">" + e
        + "</p><p id=\"w\" title='" + e + "'>end</p>");
    String expected = asParsed(sanitized(s));
    assertThat(doc.body().children()).hasSize(2);
    assertThat(asParsed(doc.getElementById("v").attr("title"))).isEqualTo(expected);
    assertThat(asParsed(doc.getElementById("v").wholeText())).isEqualTo(expected);
    assertThat(doc.getElementById("v").childrenSize()).isZero();
    assertThat(asParsed(doc.getElementById("w").attr("title"))).isEqualTo(expected);
    assertThat(doc.getElementById("w").attributesSize()).isEqualTo(2);
    assertThat(asParsed(doc.selectFirst("title").wholeText())).isEqualTo(expected);
  }

  /** What the escaper promises to keep: the text, with controls and lone surrogates replaced. */
  static String sanitized(String s) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        out.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c) || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
          || (c >= 0x7f && c <= 0x9f)) {
        out.append('\uFFFD');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * A browser's HTML parser turns CR LF and a lone CR into LF before anything else; jsoup keeps
   * them, so both sides of a comparison go through this.
   */
  static String asParsed(String s) {
    return s.replace("\r\n", "\n").replace('\r', '\n');
  }
}

package dev.tether.pages;

import static dev.tether.pages.HtmlProperties.asParsed;
import static dev.tether.pages.HtmlProperties.sanitized;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectLink;
import dev.tether.spi.ConnectionField;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** Hostile toolkit names, labels, problems and typed values never change a page's structure. */
class DefaultConnectPagesProperties {
  private static final ConnectPages PAGES = ConnectPages.defaults();

  @Provide
  Arbitrary<String> text() {
    return new HtmlProperties().text();
  }

  @Property(tries = 300)
  void form_hostileValues_keepTheStructure_andShowEachValueAsText(@ForAll("text") String name,
      @ForAll("text") String label, @ForAll("text") String problem, @ForAll("text") String typed) {
    Assume.that(!label.isBlank() && !problem.contains("(") && !problem.isBlank());
    Page hostile = PAGES.form(link(name, label), Map.of("subdomain", typed, "api_key", typed), List.of(problem));
    String v = typed.isEmpty() ? "" : "v";
    Page plain = PAGES.form(link("N", "L"), Map.of("subdomain", v, "api_key", v), List.of("P"));

    Document doc = Jsoup.parse(hostile.html());
    assertThat(structure(doc)).isEqualTo(structure(Jsoup.parse(plain.html())));
    assertThat(asParsed(doc.selectFirst("h1").wholeText())).isEqualTo("Connect " + asParsed(sanitized(name)));
    assertThat(asParsed(doc.selectFirst("label[for=field-subdomain]").wholeText())).isEqualTo(asParsed(sanitized(label)));
    assertThat(asParsed(doc.selectFirst("[role=alert] li").wholeText())).isEqualTo(asParsed(sanitized(problem)));
    if (!typed.isEmpty()) {
      assertThat(asParsed(doc.selectFirst("input[name=subdomain]").attr("value"))).isEqualTo(asParsed(sanitized(typed)));
    }
    assertThat(doc.selectFirst("input[name=api_key]").hasAttr("value")).isFalse();
  }

  @Property(tries = 300)
  void outcomePages_hostileValues_keepTheStructure(@ForAll("text") String name, @ForAll("text") String code) {
    for (boolean connected : new boolean[] {true, false}) {
      Page hostile = connected ? PAGES.connected(name, Optional.empty()) : PAGES.failed(name, code);
      Page plain = connected ? PAGES.connected("N", Optional.empty()) : PAGES.failed("N", "c");
      Document doc = Jsoup.parse(hostile.html());
      assertThat(structure(doc)).isEqualTo(structure(Jsoup.parse(plain.html())));
      assertThat(asParsed(doc.selectFirst("h1").wholeText())).startsWith(asParsed(sanitized(name)));
    }
    Document rejected = Jsoup.parse(PAGES.callbackRejected(code).html());
    assertThat(structure(rejected)).isEqualTo(structure(Jsoup.parse(PAGES.callbackRejected("c").html())));
  }

  private static ConnectLink link(String name, String label) {
    return new ConnectLink("ca_x", "t", name, Optional.empty(),
        List.of(new ConnectionField("subdomain", label, false, true), ConnectionField.secret("api_key", "Key")));
  }

  /** Every element with its attribute names, in document order. */
  private static String structure(Document doc) {
    return doc.getAllElements().stream()
        .map(e -> e.tagName() + e.attributes().asList().stream().map(a -> a.getKey()).sorted()
            .collect(Collectors.joining(",", "[", "]")))
        .collect(Collectors.joining(" "));
  }
}

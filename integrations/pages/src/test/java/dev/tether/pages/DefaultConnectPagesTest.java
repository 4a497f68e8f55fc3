package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.tether.core.ConnectLink;
import dev.tether.spi.ConnectionField;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class DefaultConnectPagesTest {
  private static final ConnectPages PAGES = ConnectPages.defaults();
  private static final ConnectLink EXA = link("Exa", List.of(ConnectionField.secret("api_key", "Exa API key")));
  private static final ConnectLink ZENDESK = link("Zendesk", List.of(ConnectionField.plain("subdomain", "Zendesk subdomain"),
      new ConnectionField("region", "Region", false, false)));

  static ConnectLink link(String name, List<ConnectionField> form) {
    return new ConnectLink("ca_test", name.toLowerCase(), name, Optional.empty(), form);
  }

  @Test
  void form_firstShown_bindsALabelToEveryInput_andAsksForSecretsAsPasswords() {
    Page page = PAGES.form(EXA, Map.of(), List.of());
    Document doc = parse(page);

    assertThat(page.status()).isEqualTo(200);
    assertThat(doc.selectFirst("h1").text()).isEqualTo("Connect Exa");
    Element input = doc.selectFirst("form input[name=api_key]");
    assertThat(input.attr("type")).isEqualTo("password");
    assertThat(input.attr("autocomplete")).isEqualTo("off");
    assertThat(input.hasAttr("required")).isTrue();
    assertThat(input.hasAttr("value")).isFalse();
    assertThat(doc.select("label[for=" + input.id() + "]")).singleElement()
        .satisfies(l -> assertThat(l.text()).isEqualTo("Exa API key"));
    Element form = doc.selectFirst("form");
    assertThat(form.attr("method")).isEqualTo("post");
    assertThat(form.attr("action")).as("posts back to the link's own path, without the query it was opened with")
        .isEqualTo("?");
    assertThat(form.select("button[type=submit]").text()).isEqualTo("Connect Exa");
    assertThat(doc.select("[role=alert]")).isEmpty();
    assertThat(doc.select("script")).isEmpty();
  }

  @Test
  void form_plainAndOptionalFields_areTextInputs_andOptionalSaysSo() {
    Document doc = parse(PAGES.form(ZENDESK, Map.of(), List.of()));
    Element subdomain = doc.selectFirst("input[name=subdomain]");
    assertThat(subdomain.attr("type")).isEqualTo("text");
    assertThat(subdomain.hasAttr("required")).isTrue();
    Element region = doc.selectFirst("input[name=region]");
    assertThat(region.hasAttr("required")).isFalse();
    assertThat(doc.selectFirst("label[for=" + region.id() + "]").text()).isEqualTo("Region (optional)");
    for (Element input : doc.select("input")) {
      assertThat(doc.select("label[for=" + input.id() + "]")).as("label of %s", input.attr("name")).hasSize(1);
    }
  }

  @Test
  void form_afterABadSubmit_showsTheProblemsInAnAlert_andMarksTheirFields() {
    Page page = PAGES.form(ZENDESK, Map.of("subdomain", "acme corp"),
        List.of("Zendesk subdomain (subdomain) must be letters and digits.", "Something else went wrong."));
    Document doc = parse(page);

    assertThat(page.status()).isEqualTo(400);
    Element alert = doc.selectFirst("[role=alert]");
    assertThat(alert).isNotNull();
    assertThat(alert.select("li")).extracting(Element::text).containsExactly(
        "Zendesk subdomain (subdomain) must be letters and digits.", "Something else went wrong.");
    assertThat(alert.selectFirst("li a").attr("href")).isEqualTo("#field-subdomain");
    Element subdomain = doc.getElementById("field-subdomain");
    assertThat(subdomain.attr("aria-invalid")).isEqualTo("true");
    assertThat(doc.getElementById(subdomain.attr("aria-describedby")).text()).contains("must be letters and digits");
    assertThat(subdomain.attr("value")).as("a plain value is filled in again").isEqualTo("acme corp");
    assertThat(doc.getElementById("field-region").hasAttr("aria-invalid")).isFalse();
  }

  @Test
  void form_neverFillsInASecretField_evenWhenGivenItsValue() {
    Page page = PAGES.form(EXA, Map.of("api_key", "exa-very-secret-key"), List.of("Exa API key (api_key) is wrong."));
    assertThat(page.html()).doesNotContain("exa-very-secret-key");
    assertThat(parse(page).selectFirst("input[name=api_key]").hasAttr("value")).isFalse();
  }

  @Test
  void everyPage_isSelfContained_andItsInlineStyleIsTheOneItsPolicyAllows() {
    for (Page page : allPages()) {
      Document doc = parse(page);
      String csp = page.header("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'")
          .isEqualTo(ConnectPages.DEFAULT_CONTENT_SECURITY_POLICY);
      assertThat(doc.select("style")).singleElement()
          .satisfies(style -> assertThat(styleSources(csp)).containsExactly(Html.cspHash(style.data())));
      assertThat(doc.select("script, link, img, iframe, object, embed, [style], [src]")).isEmpty();
      assertThat(doc.select("*").stream().flatMap(e -> e.attributes().asList().stream())
          .filter(a -> a.getKey().startsWith("on"))).isEmpty();
      assertThat(doc.selectFirst("html").attr("lang")).isEqualTo("en");
      assertThat(doc.select("meta[name=viewport]").attr("content")).contains("width=device-width");
      assertThat(doc.select("meta[charset]").attr("charset")).isEqualTo("utf-8");
      assertThat(doc.select("h1")).hasSize(1);
      assertThat(doc.title()).isNotBlank();
      assertThat(page.headers()).containsEntry("Cache-Control", "no-store").containsEntry("Content-Type",
          "text/html; charset=utf-8");
    }
  }

  @Test
  void stylesheet_hasVisibleFocus_andFitsANarrowScreen() {
    assertThat(Stylesheet.CSS).contains(":focus-visible{outline:3px solid", "max-width:34rem", "width:100%")
        .doesNotContain("outline:none", "outline:0", "url(", "@import");
  }

  @Test
  void connected_withoutACallbackUrl_namesTheToolkit_andSaysToGoBack() {
    Page page = PAGES.connected("Gmail", Optional.empty());
    Document doc = parse(page);
    assertThat(page.status()).isEqualTo(200);
    assertThat(doc.selectFirst("h1").text()).isEqualTo("Gmail is connected");
    assertThat(doc.text()).contains("go back to the app");
    assertThat(doc.select("meta[http-equiv=refresh]")).isEmpty();
  }

  @Test
  void connected_withACallbackUrl_goesOnThereByLinkAndRefresh() {
    URI next = URI.create("https://app.test/done?status=success&connected_account_id=ca_1&note=it's");
    Document doc = parse(PAGES.connected("Exa", Optional.of(next)));
    String expected = "https://app.test/done?status=success&connected_account_id=ca_1&note=it%27s";
    assertThat(doc.selectFirst("a.button").attr("href")).isEqualTo(expected);
    assertThat(doc.selectFirst("meta[http-equiv=refresh]").attr("content")).isEqualTo("0; url='" + expected + "'");
  }

  @Test
  void connected_neverLinksToAScriptUrl() {
    Document doc = parse(PAGES.connected("Exa", Optional.of(URI.create("javascript:alert(1)"))));
    assertThat(doc.select("a[href^=javascript], meta[http-equiv=refresh]")).isEmpty();
    assertThat(doc.html()).doesNotContain("javascript");
  }

  @Test
  void failed_mapsTheCodeToAHumanReason_andShowsTheCodeOnly() {
    Document doc = parse(PAGES.failed("GitHub", "access_denied"));
    assertThat(doc.selectFirst("h1").text()).isEqualTo("GitHub was not connected");
    assertThat(doc.selectFirst(".outcome").text()).isEqualTo("Access was not allowed, so nothing was connected.");
    assertThat(doc.selectFirst("code").text()).isEqualTo("access_denied");
  }

  @Test
  void failed_unknownCode_getsTheGenericReason() {
    Document doc = parse(PAGES.failed("GitHub", "weird_thing"));
    assertThat(doc.selectFirst(".outcome").text()).isEqualTo(FailureReasons.UNKNOWN);
  }

  @Test
  void continueToSignIn_reloadsItsOwnUrl_withoutNamingAnyOther() {
    Page page = PAGES.continueToSignIn("Zendesk");
    Document doc = parse(page);
    assertThat(page.status()).isEqualTo(200);
    assertThat(doc.selectFirst("h1").text()).isEqualTo("Continue to Zendesk");
    assertThat(doc.selectFirst("meta[http-equiv=refresh]").attr("content")).isEqualTo("0");
    assertThat(doc.selectFirst("a.button").attr("href")).isEmpty();
    assertThat(page.html()).doesNotContain("http:", "https:");
  }

  @Test
  void linkUnavailable_is404_andCallbackRejected_is400() {
    Page gone = PAGES.linkUnavailable();
    assertThat(gone.status()).isEqualTo(404);
    assertThat(parse(gone).selectFirst("h1").text()).isEqualTo("This link can’t be used");
    Page forged = PAGES.callbackRejected("unknown_state");
    assertThat(forged.status()).isEqualTo(400);
    Document doc = parse(forged);
    assertThat(doc.selectFirst("h1").text()).isEqualTo("This sign-in can’t be completed");
    assertThat(doc.text()).contains("old, already used or altered", "unknown_state");
  }

  @Test
  void everyPage_nullArgument_isRefusedNamingIt() {
    assertThatNullPointerException().isThrownBy(() -> PAGES.form(EXA, Map.of(), null)).withMessage("problems");
    assertThatNullPointerException().isThrownBy(() -> PAGES.continueToSignIn(null)).withMessage("toolkitName");
    assertThatNullPointerException().isThrownBy(() -> PAGES.connected(null, Optional.empty()))
        .withMessage("toolkitName");
    assertThatNullPointerException().isThrownBy(() -> PAGES.connected("Gmail", null)).withMessage("next");
    assertThatNullPointerException().isThrownBy(() -> PAGES.failed(null, "access_denied")).withMessage("toolkitName");
    assertThatNullPointerException().isThrownBy(() -> PAGES.failed("Gmail", null)).withMessage("errorCode");
    assertThatNullPointerException().isThrownBy(() -> PAGES.callbackRejected(null)).withMessage("errorCode");
  }

  static List<Page> allPages() {
    return List.of(PAGES.form(EXA, Map.of(), List.of()), PAGES.form(EXA, Map.of(), List.of("Exa API key (api_key) is required.")),
        PAGES.continueToSignIn("Zendesk"), PAGES.connected("Gmail", Optional.empty()),
        PAGES.connected("Gmail", Optional.of(URI.create("https://app.test/done"))), PAGES.failed("Gmail", "access_denied"),
        PAGES.linkUnavailable(), PAGES.callbackRejected("unknown_state"));
  }

  static Document parse(Page page) {
    return Jsoup.parse(page.html());
  }

  static List<String> styleSources(String csp) {
    Matcher m = Pattern.compile("style-src ([^;]+)").matcher(csp);
    assertThat(m.find()).as("style-src in %s", csp).isTrue();
    return List.of(m.group(1).trim().split("\\s+"));
  }
}

package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionRequest;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ExchangeRequest;
import dev.tether.spi.ProviderException;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class ConnectEndpointsTest {
  private static final String KEY = "exa-typed-secret-0123456789";

  private final TestClock clock = TestClock.standing();
  private final FakeToolkitProvider fake = FakeToolkitProvider.builder().oauth2("gmail", "Gmail")
      .apiKey("exa", "Exa").oauth2WithField("zendesk", "Zendesk", "subdomain").build();
  private final Tether tether = Tether.builder().redirectUri(URI.create("https://app.test/oauth/callback"))
      .connectBaseUrl(URI.create("https://app.test/link")).clock(clock).discoverProviders(false).provider(fake)
      .provider(new QuotingProvider()).build();
  private final ConnectEndpoints endpoints = ConnectEndpoints.builder(tether)
      .toolkitNames(Map.of("gmail", "Gmail", "exa", "Exa", "zendesk", "Zendesk")).build();
  private final Session session = tether.createSession("user_1");

  @Test
  void link_oauth_redirectsToTheProvider() {
    ConnectionRequest request = session.authorize("gmail");
    Page page = endpoints.link(linkId(request));
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.header("Location").orElseThrow()).contains("state=");
  }

  @Test
  void link_apiKey_showsTheForm() {
    Page page = endpoints.link(linkId(session.authorize("exa")));
    Document doc = Jsoup.parse(page.html());
    assertThat(page.status()).isEqualTo(200);
    assertThat(doc.selectFirst("h1").text()).isEqualTo("Connect Exa");
    assertThat(doc.selectFirst("input[name=api_key]").attr("type")).isEqualTo("password");
  }

  @Test
  void link_unknownOrExpired_isTheUnavailablePage() {
    assertThat(endpoints.link("ln_nothing").status()).isEqualTo(404);
    assertThat(endpoints.link(null).status()).isEqualTo(404);
    String expiring = linkId(session.authorize("exa"));
    clock.advance(Duration.ofMinutes(11));
    assertThat(endpoints.link(expiring).status()).isEqualTo(404);
  }

  @Test
  void submit_badKey_showsTheProblems_andNeverEchoesTheKey() {
    String id = linkId(session.authorize("exa"));
    Page page = endpoints.submit(id, Map.of("api_key", "short"));
    assertThat(page.status()).isEqualTo(400);
    Document doc = Jsoup.parse(page.html());
    assertThat(doc.selectFirst("[role=alert]").text()).contains("api_key");
    assertThat(doc.selectFirst("input[name=api_key]").hasAttr("value")).isFalse();
    assertThat(page.html()).doesNotContain("short\"", "value=\"short");

    Page missing = endpoints.submit(id, Map.of());
    assertThat(Jsoup.parse(missing.html()).selectFirst("[role=alert]").text()).contains("(api_key) is required");
  }

  @Test
  void submit_providerQuotingTheTypedKey_hasItMasked() {
    String id = linkId(session.authorize("quoting"));
    Page page = endpoints.submit(id, Map.of("api_key", "  " + KEY + " ", "account", "acme"));
    assertThat(page.status()).isEqualTo(400);
    assertThat(page.html()).doesNotContain(KEY).contains("••••");
    Document doc = Jsoup.parse(page.html());
    assertThat(doc.selectFirst("input[name=account]").attr("value")).as("a plain value comes back").isEqualTo("acme");
    assertThat(doc.selectFirst("input[name=api_key]").hasAttr("value")).isFalse();
  }

  @Test
  void submit_goodKey_withoutACallbackUrl_landsOnConnected() {
    ConnectionRequest request = session.authorize("exa");
    Page page = endpoints.submit(linkId(request), Map.of("api_key", KEY));
    assertThat(page.status()).isEqualTo(200);
    assertThat(Jsoup.parse(page.html()).selectFirst("h1").text()).isEqualTo("Exa is connected");
    assertThat(page.html()).doesNotContain(KEY);
    assertThat(tether.account(request.id()).orElseThrow().status()).isEqualTo(ConnectionStatus.ACTIVE);

    Page again = endpoints.submit(linkId(request), Map.of("api_key", KEY));
    assertThat(Jsoup.parse(again.html()).selectFirst("h1").text()).as("a double submit").isEqualTo("Exa is connected");
  }

  @Test
  void submit_goodKey_withACallbackUrl_goesOnByPage_notByRedirect() {
    Session withCallback = tether.createSession("user_2",
        SessionOptions.builder().callbackUrl(URI.create("https://app.test/done")).build());
    Page page = endpoints.submit(linkId(withCallback.authorize("exa")), Map.of("api_key", KEY));
    assertThat(page.status()).isEqualTo(200);
    Document doc = Jsoup.parse(page.html());
    assertThat(doc.selectFirst("a.button").attr("href")).startsWith("https://app.test/done?status=success&connected_account_id=ca_");
    assertThat(doc.selectFirst("meta[http-equiv=refresh]").attr("content")).startsWith("0; url='https://app.test/done?");
  }

  @Test
  void submit_subdomain_continuesToSignIn_thenTheLinkRedirectsToTheProvider() {
    String id = linkId(session.authorize("zendesk"));
    Page form = endpoints.link(id);
    assertThat(Jsoup.parse(form.html()).selectFirst("input[name=subdomain]").attr("type")).isEqualTo("text");

    Page next = endpoints.submit(id, Map.of("subdomain", "acme"));
    assertThat(next.status()).isEqualTo(200);
    assertThat(Jsoup.parse(next.html()).selectFirst("h1").text()).isEqualTo("Continue to Zendesk");
    assertThat(next.html()).doesNotContain("state=");
    assertThat(endpoints.link(id).status()).as("the reload goes on to the provider").isEqualTo(303);
  }

  @Test
  void submit_unknownLink_isTheUnavailablePage() {
    assertThat(endpoints.submit("ln_nothing", Map.of("api_key", KEY)).status()).isEqualTo(404);
  }

  @Test
  void callback_success_withoutACallbackUrl_landsOnConnected_namedFromTheMap() {
    ConnectionRequest request = session.authorize("gmail");
    Page page = endpoints.callback(FakeToolkitProvider.approve(tether, request.redirectUrl(), "code-1"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(Jsoup.parse(page.html()).selectFirst("h1").text()).isEqualTo("Gmail is connected");
  }

  @Test
  void callback_denied_landsOnFailed_withAHumanReason_neverTheProvidersDescription() {
    ConnectionRequest request = session.authorize("gmail");
    Map<String, String> denied = new java.util.HashMap<>(FakeToolkitProvider.deny(tether, request.redirectUrl(), "access_denied"));
    denied.put("error_description", "<b>Evil</b> text from the provider");
    Page page = endpoints.callback(denied);
    Document doc = Jsoup.parse(page.html());
    assertThat(doc.selectFirst("h1").text()).isEqualTo("Gmail was not connected");
    assertThat(doc.selectFirst(".outcome").text()).isEqualTo("Access was not allowed, so nothing was connected.");
    assertThat(page.html()).doesNotContain("Evil");
  }

  @Test
  void callback_withACallbackUrl_redirectsThere() {
    ConnectionRequest request = session.authorize("gmail", URI.create("https://app.test/chat"));
    Page page = endpoints.callback(FakeToolkitProvider.approve(tether, request.redirectUrl(), "code-2"));
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.header("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("https://app.test/chat?status=success"));
  }

  @Test
  void callback_forgedOrUnknownState_isRejected() {
    Page forged = endpoints.callback(URI.create("https://app.test/oauth/callback?state=forged&code=x"));
    assertThat(forged.status()).isEqualTo(400);
    assertThat(Jsoup.parse(forged.html()).text()).contains("unknown_state").doesNotContain("forged");
    assertThat(endpoints.callback(URI.create("https://app.test/oauth/callback")).status()).isEqualTo(400);
  }

  @Test
  void callback_withoutAMap_namesTheToolkitAsItsProviderDoes() {
    ConnectEndpoints unnamed = ConnectEndpoints.of(tether);
    ConnectionRequest request = session.authorize("gmail");
    Page page = unnamed.callback(FakeToolkitProvider.approve(tether, request.redirectUrl(), "code-3"));
    assertThat(Jsoup.parse(page.html()).selectFirst("h1").text())
        .isEqualTo(tether.toolkit("gmail").orElseThrow().name() + " is connected");
  }

  @Test
  void customPages_replaceTheDefaults() {
    ConnectPages mine = new ConnectPages() {
      @Override
      public Page form(dev.tether.core.ConnectLink link, Map<String, String> entered, List<String> problems) {
        return Page.html(200, "<p>mine " + Html.escape(link.toolkitName()) + "</p>", "default-src 'none'");
      }

      @Override
      public Page continueToSignIn(String toolkitName) {
        return linkUnavailable();
      }

      @Override
      public Page connected(String toolkitName, java.util.Optional<URI> next) {
        return linkUnavailable();
      }

      @Override
      public Page failed(String toolkitName, String errorCode) {
        return linkUnavailable();
      }

      @Override
      public Page linkUnavailable() {
        return Page.html(410, "<p>gone</p>", "default-src 'none'");
      }

      @Override
      public Page callbackRejected(String errorCode) {
        return linkUnavailable();
      }
    };
    ConnectEndpoints custom = ConnectEndpoints.builder(tether).pages(mine).build();
    assertThat(custom.link(linkId(session.authorize("exa"))).html()).isEqualTo("<p>mine Exa</p>");
    assertThat(custom.link("ln_nothing").status()).isEqualTo(410);
  }

  private static String linkId(ConnectionRequest request) {
    String path = request.redirectUrl().getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** A badly behaved provider: its message quotes the key the user typed. */
  static final class QuotingProvider implements ToolkitProvider {
    private static final ToolkitDescriptor QUOTING = new ToolkitDescriptor("quoting", "Quoting", AuthScheme.API_KEY,
        List.of(ConnectionField.plain("account", "Account"), ConnectionField.secret("api_key", "Quoting API key")));

    @Override
    public int spiVersion() {
      return SPI_VERSION;
    }

    @Override
    public List<ToolkitDescriptor> toolkits() {
      return List.of(QUOTING);
    }

    @Override
    public Credentials connect(ConnectRequest request) {
      throw ProviderException.definitive("invalid_api_key", "The key " + request.fields().get("api_key") + " is wrong");
    }

    @Override
    public AuthorizationLink authorize(AuthorizationRequest request) {
      throw ProviderException.definitive("form_only", "quoting is connected through its form");
    }

    @Override
    public Credentials exchange(ExchangeRequest request) {
      throw ProviderException.definitive("form_only", "quoting has no callback");
    }
  }
}

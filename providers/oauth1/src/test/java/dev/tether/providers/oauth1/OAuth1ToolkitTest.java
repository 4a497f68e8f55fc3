package dev.tether.providers.oauth1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Categories;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The request-token leg against a loopback endpoint that answers what the test scripts. */
class OAuth1ToolkitTest {
  private HttpServer server;
  private volatile int status = 200;
  private volatile String body = "oauth_token=req-1&oauth_token_secret=req-secret&oauth_callback_confirmed=true";
  private volatile String authorization;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      authorization = ex.getRequestHeaders().getFirst("Authorization");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        ex.getResponseBody().write(bytes);
      }
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OAuth1Toolkit trello() {
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    return OAuth1Catalog.trello(base.resolve("/1/OAuthGetRequestToken"),
        URI.create("https://trello.example/1/OAuthAuthorizeToken?lang=en#top"), base.resolve("/1/OAuthGetAccessToken"),
        "key", "secret");
  }

  private static AuthorizationRequest request(URI redirect) {
    return new AuthorizationRequest("trello", "u", Secret.of("STATE 1"), "c", redirect, List.of(), Map.of(),
        Instant.parse("2026-11-21T10:00:00Z"));
  }

  @Test
  void authorize_appendsToTheQueries_keepsFragments_encodesTheState() {
    AuthorizationLink link = trello().authorize(request(URI.create("https://host.example/cb?x=1#done")));
    assertThat(link.urlString()).startsWith("https://trello.example/1/OAuthAuthorizeToken?lang=en&oauth_token=req-1&")
        .endsWith("#top");
    assertThat(link.flowState()).containsEntry("oauth_token", "req-1").containsEntry("oauth_token_secret", "req-secret");
    String callback = URLDecoder.decode(authorization.replaceAll(".*oauth_callback=\"([^\"]*)\".*", "$1"),
        StandardCharsets.UTF_8);
    assertThat(callback).isEqualTo("https://host.example/cb?x=1&state=STATE%201#done");
  }

  @Test
  void statuses_areClassifiedAsEveryFamilyDoes() {
    for (int transientStatus : new int[] {408, 425, 429, 503}) {
      status = transientStatus;
      assertThatThrownBy(() -> trello().authorize(request(URI.create("https://host.example/cb"))))
          .as("HTTP %s", transientStatus).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.isDefinitive()).isFalse();
            assertThat(e.errorCode()).isEqualTo("http_" + transientStatus);
            assertThat(e.getMessage()).startsWith("Request-token endpoint of 'trello'");
          });
    }
    status = 401;
    assertThatThrownBy(() -> trello().authorize(request(URI.create("https://host.example/cb"))))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.errorCode()).isEqualTo("http_401");
        });
  }

  @Test
  void anAnswerThatCanBeReadTwoWays_orLacksAValue_isTransient() {
    for (String unreadable : new String[] {
        "oauth_token=req-1&oauth_token=req-2&oauth_token_secret=s&oauth_callback_confirmed=true",
        "oauth_token=req-%zz&oauth_token_secret=s&oauth_callback_confirmed=true",
        "oauth_token_secret=s&oauth_callback_confirmed=true"}) {
      body = unreadable;
      assertThatThrownBy(() -> trello().authorize(request(URI.create("https://host.example/cb")))).as(unreadable)
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.isDefinitive()).isFalse();
            assertThat(e.errorCode()).isEqualTo("invalid_token_response");
            assertThat(e.getMessage()).doesNotContain("req-");
          });
    }
    body = "oauth_token=req-1&oauth_token_secret=s";
    assertThatThrownBy(() -> trello().authorize(request(URI.create("https://host.example/cb"))))
        .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.errorCode()).isEqualTo("callback_not_confirmed"));
  }

  @Test
  void endpoints_needAHostAndNoUserInfo() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OAuth1Toolkit.builder("x").requestTokenUrl(URI.create("https://key:SECRET@trello.example/r")))
        .withMessageContaining("user info").satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth1Toolkit.builder("x").accessTokenUrl(URI.create("/a")));
  }

  @Test
  void bundledToolkits_areDescribed_withWordsOfTheVocabulary() {
    for (ToolkitDescriptor d : new OAuth1Catalog(Map.of(), new Properties()).toolkits()) {
      assertThat(d.description()).as(d.slug()).isNotBlank().doesNotContain("\n")
          .hasSizeLessThanOrEqualTo(ToolkitDescriptor.MAX_DESCRIPTION_LENGTH);
      assertThat(d.categories()).as(d.slug()).isNotEmpty().doesNotHaveDuplicates()
          .allSatisfy(c -> assertThat(Categories.isKnown(c)).as(d.slug() + " category " + c).isTrue());
    }
  }

  @Test
  void builder_descriptionAndCategories_reachTheDescriptor_eachSetOnce_checkedWhenSet() {
    OAuth1Toolkit.Builder b = withEndpoints("acme").description("Keep Acme's customer records")
        .categories("crm", "sales");
    assertThat(b.build().descriptor().description()).isEqualTo("Keep Acme's customer records");
    assertThat(b.build().descriptor().categories()).containsExactly("crm", "sales");
    assertThatIllegalStateException().isThrownBy(() -> b.description("again"))
        .withMessageContaining("description").withMessageContaining("'acme'");
    assertThatIllegalStateException().isThrownBy(() -> b.categories("crm"))
        .withMessageContaining("categories").withMessageContaining("'acme'");
    assertThat(withEndpoints("plain").build().descriptor().categories()).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth1Toolkit.builder("acme").description("x".repeat(301)))
        .withMessageContaining("'acme'").withMessageContaining("300");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth1Toolkit.builder("acme").categories("Email"))
        .withMessageContaining("'Email'");
  }

  private static OAuth1Toolkit.Builder withEndpoints(String slug) {
    return OAuth1Toolkit.builder(slug).requestTokenUrl(URI.create("https://a.example/request"))
        .authorizeUrl(URI.create("https://a.example/authorize")).accessTokenUrl(URI.create("https://a.example/access"));
  }
}

package dev.tether.providers.apikey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthScheme;
import dev.tether.spi.Categories;
import dev.tether.spi.ConnectRequest;
import dev.tether.spi.ConnectionField;
import dev.tether.spi.Credentials;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.spi.ToolkitProvider;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ApiKeyToolkitTest {
  private static ConnectRequest request(String slug, Map<String, String> fields) {
    return new ConnectRequest(slug, "user_1", fields, Instant.EPOCH);
  }

  @Test
  void catalog_servesTheBundledToolkits_withASecretKeyField() {
    ApiKeyCatalog catalog = new ApiKeyCatalog();
    assertThat(catalog.toolkits()).extracting(ToolkitDescriptor::slug)
        .containsExactly("exa", "tavily", "serpapi", "firecrawl", "openai");
    assertThat(catalog.toolkits()).allSatisfy(d -> {
      assertThat(d.isFormBased()).isTrue();
      assertThat(d.fields()).singleElement().satisfies(f -> {
        assertThat(f.name()).isEqualTo("api_key");
        assertThat(f.secret()).isTrue();
        assertThat(f.required()).isTrue();
      });
    });
    assertThat(catalog.toolkits().get(0).authScheme()).isEqualTo(AuthScheme.API_KEY);
    assertThat(catalog.toolkits().get(1).authScheme()).isEqualTo(AuthScheme.BEARER);
  }

  @Test
  void connect_returnsKeyWithHowItIsSent() {
    ApiKeyCatalog catalog = new ApiKeyCatalog();
    Credentials exa = catalog.connect(request("exa", Map.of("api_key", "exa-key-123456")));
    assertThat(exa.accessToken()).contains(Secret.of("exa-key-123456"));
    assertThat(exa.attributes()).containsEntry("placement", "header").containsEntry("name", "x-api-key")
        .containsEntry("check_url", "https://api.exa.ai");
    assertThat(exa.expiresAt()).as("keys do not expire").isEmpty();
    assertThat(catalog.connect(request("serpapi", Map.of("api_key", "serp-key-123456"))).attributes())
        .containsEntry("placement", "query").containsEntry("name", "api_key");
    assertThat(catalog.connect(request("tavily", Map.of("api_key", "tvly-123456789"))).attributes())
        .containsEntry("placement", "bearer");
  }

  @Test
  void connect_badKeys_failDefinitively_namingTheFieldNotTheValue() {
    ApiKeyCatalog catalog = new ApiKeyCatalog();
    for (String bad : new String[] {"short", "has a space inside", "x".repeat(2000)}) {
      assertThatThrownBy(() -> catalog.connect(request("exa", Map.of("api_key", bad))))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.isDefinitive()).isTrue();
            assertThat(e.getMessage()).contains("api_key").doesNotContain(bad);
          });
    }
    assertThatThrownBy(() -> catalog.connect(request("openai", Map.of("api_key", "pk-1234567890"))))
        .hasMessageContaining("must start with 'sk-'").hasMessageNotContaining("pk-1234567890");
    assertThatThrownBy(() -> catalog.connect(request("exa", Map.of())))
        .hasMessageContaining("api_key is required");
  }

  @Test
  void basicToolkit_collectsUserAndPassword() {
    ApiKeyToolkit jenkins = ApiKeyToolkit.builder("jenkins").name("Jenkins").basic().build();
    assertThat(jenkins.descriptor().authScheme()).isEqualTo(AuthScheme.BASIC);
    assertThat(jenkins.descriptor().fields()).extracting(ConnectionField::name, ConnectionField::secret)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("username", false),
            org.assertj.core.groups.Tuple.tuple("password", true));
    Credentials c = jenkins.connect(request("jenkins", Map.of("username", "ada", "password", "pw")));
    assertThat(c.attributes()).containsEntry("username", "ada").containsEntry("placement", "basic");
    assertThat(c.accessToken()).contains(Secret.of("pw"));
    assertThat(c.toString()).doesNotContain("pw,").doesNotContain("=pw");
  }

  @Test
  void builder_needsToKnowHowTheKeyIsSent() {
    assertThatIllegalStateException().isThrownBy(() -> ApiKeyToolkit.builder("x").build())
        .withMessageContaining("header(...)");
    assertThatIllegalStateException().isThrownBy(() -> ApiKeyToolkit.builder("x").bearer().header("h"));
  }

  @Test
  void catalog_refusesAToolkitItDoesNotServe_namingIt() {
    assertThatIllegalArgumentException().isThrownBy(() -> new ApiKeyCatalog().connect(request("exa_ai", Map.of())))
        .withMessageContaining("'exa_ai'").withMessageContaining("API-key catalog");
    assertThat(new ApiKeyCatalog()).hasToString("ApiKeyCatalog[exa, tavily, serpapi, firecrawl, openai]");
  }

  @Test
  void checkUrl_isAnEndpoint() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ApiKeyToolkit.builder("x").checkUrl(URI.create("ftp://files.example")))
        .withMessageStartingWith("checkUrl");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ApiKeyToolkit.builder("x").checkUrl(URI.create("https://user:pw@api.example")))
        .withMessageContaining("user info");
  }

  @Test
  void serviceLoader_findsTheCatalog() {
    assertThat(ServiceLoader.load(ToolkitProvider.class).stream().map(p -> p.type().getName()))
        .contains(ApiKeyCatalog.class.getName());
  }

  @Test
  void bundledToolkits_areDescribed_withWordsOfTheVocabulary() {
    for (ToolkitDescriptor d : new ApiKeyCatalog().toolkits()) {
      assertThat(d.description()).as(d.slug()).isNotBlank().doesNotContain("\n")
          .hasSizeLessThanOrEqualTo(ToolkitDescriptor.MAX_DESCRIPTION_LENGTH);
      assertThat(d.categories()).as(d.slug()).isNotEmpty().doesNotHaveDuplicates()
          .allSatisfy(c -> assertThat(Categories.isKnown(c)).as(d.slug() + " category " + c).isTrue());
    }
  }

  @Test
  void builder_descriptionAndCategories_reachTheDescriptor_eachSetOnce_checkedWhenSet() {
    ApiKeyToolkit.Builder b = ApiKeyToolkit.builder("acme").bearer()
        .description("Keep Acme's customer records").categories("crm", "sales");
    assertThat(b.build().descriptor().description()).isEqualTo("Keep Acme's customer records");
    assertThat(b.build().descriptor().categories()).containsExactly("crm", "sales");
    assertThatIllegalStateException().isThrownBy(() -> b.description("again"))
        .withMessageContaining("description").withMessageContaining("'acme'");
    assertThatIllegalStateException().isThrownBy(() -> b.categories("crm"))
        .withMessageContaining("categories").withMessageContaining("'acme'");
    assertThat(ApiKeyToolkit.builder("plain").bearer().build().descriptor().categories()).isEmpty();
    assertThatIllegalArgumentException().isThrownBy(() -> ApiKeyToolkit.builder("acme").description("x".repeat(301)))
        .withMessageContaining("'acme'").withMessageContaining("300");
    assertThatIllegalArgumentException().isThrownBy(() -> ApiKeyToolkit.builder("acme").categories("Email"))
        .withMessageContaining("'Email'");
  }
}

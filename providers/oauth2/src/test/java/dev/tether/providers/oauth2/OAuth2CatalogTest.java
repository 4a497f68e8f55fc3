package dev.tether.providers.oauth2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.AuthorizationRequest;
import dev.tether.spi.Categories;
import dev.tether.spi.ProviderException;
import dev.tether.spi.Secret;
import dev.tether.spi.ToolkitDescriptor;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OAuth2CatalogTest {
  private static final URI REDIRECT = URI.create("https://host.example/oauth/callback");

  private static OAuth2Catalog withClientsForEveryFamily() {
    OAuth2Catalog.Builder b = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties());
    for (String family : new OAuth2Catalog().families().keySet()) {
      b.client(family, "id-" + family, "secret-" + family);
    }
    return b.build();
  }

  private static AuthorizationRequest request(String slug, Map<String, String> fields) {
    return new AuthorizationRequest(slug, "user_1", Secret.of("STATE"), "CHALLENGE", REDIRECT, List.of(), fields,
        Instant.EPOCH);
  }

  @Test
  void bundledCatalog_loadsThirtyPlusToolkits_allOAuth2() {
    List<ToolkitDescriptor> toolkits = new OAuth2Catalog().toolkits();
    assertThat(toolkits).hasSizeGreaterThanOrEqualTo(30);
    assertThat(toolkits).extracting(ToolkitDescriptor::slug).doesNotHaveDuplicates()
        .contains("gmail", "github", "gitlab", "reddit", "slack", "notion", "linear", "dropbox", "hubspot",
            "salesforce", "zoom", "asana", "discord", "spotify", "box", "figma", "airtable", "twitter", "calendly",
            "pipedrive", "zendesk");
  }

  @Test
  void aliases_resolveToTheirFamily() {
    Map<String, List<String>> families = new OAuth2Catalog().families();
    assertThat(families.get("google")).containsExactly("gmail", "googlesheets", "googledrive", "googlecalendar",
        "googledocs");
    assertThat(families.get("microsoft")).containsExactly("outlook", "one_drive", "microsoft_teams", "sharepoint");
    assertThat(families.get("atlassian")).containsExactly("jira", "confluence");
    OAuth2Catalog catalog = withClientsForEveryFamily();
    for (String slug : families.get("google")) {
      assertThat(catalog.authorize(request(slug, Map.of())).url().getHost()).isEqualTo("accounts.google.com");
      assertThat(FormBodiesTestSupport.query(catalog.authorize(request(slug, Map.of())).url()))
          .containsEntry("client_id", "id-google");
    }
  }

  @Test
  void everyToolkit_buildsAValidAuthorizationUrl() {
    OAuth2Catalog catalog = withClientsForEveryFamily();
    for (ToolkitDescriptor d : catalog.toolkits()) {
      Map<String, String> fields = d.fields().stream()
          .collect(Collectors.toMap(f -> f.name(), f -> "acme"));
      AuthorizationLink link = catalog.authorize(request(d.slug(), fields));
      URI url = link.url();
      assertThat(url.getScheme()).as(d.slug()).isEqualTo("https");
      Map<String, String> q = FormBodiesTestSupport.query(url);
      assertThat(q).as(d.slug()).containsEntry("response_type", "code").containsEntry("state", "STATE")
          .containsEntry("redirect_uri", REDIRECT.toString()).containsKey("client_id");
    }
  }

  @Test
  void quirks_areApplied() {
    OAuth2Catalog catalog = withClientsForEveryFamily();
    Map<String, String> gmail = FormBodiesTestSupport.query(catalog.authorize(request("gmail", Map.of())).url());
    assertThat(gmail).containsEntry("access_type", "offline").containsEntry("prompt", "consent")
        .containsEntry("code_challenge_method", "S256")
        .containsEntry("scope", "https://www.googleapis.com/auth/gmail.modify");
    Map<String, String> outlook = FormBodiesTestSupport.query(catalog.authorize(request("outlook", Map.of())).url());
    assertThat(outlook).containsEntry("response_mode", "query").doesNotContainKey("code_challenge");
    assertThat(outlook.get("scope")).startsWith("offline_access ");
    Map<String, String> slack = FormBodiesTestSupport.query(catalog.authorize(request("slack", Map.of())).url());
    assertThat(slack).containsEntry("user_scope", "channels:read,chat:write,users:read").doesNotContainKey("scope")
        .doesNotContainKey("code_challenge");
    Map<String, String> jira = FormBodiesTestSupport.query(catalog.authorize(request("jira", Map.of())).url());
    assertThat(jira).containsEntry("audience", "api.atlassian.com");
    assertThat(jira.get("scope")).startsWith("offline_access ");
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("notion", Map.of())).url()))
        .containsEntry("owner", "user");
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("reddit", Map.of())).url()))
        .containsEntry("duration", "permanent");
  }

  @Test
  void zendesk_collectsSubdomainFirst_andUsesItInUrls() {
    OAuth2Catalog catalog = withClientsForEveryFamily();
    ToolkitDescriptor zendesk = catalog.toolkit("zendesk").orElseThrow().descriptor();
    assertThat(zendesk.fields()).extracting(f -> f.name()).containsExactly("subdomain");
    AuthorizationLink link = catalog.authorize(request("zendesk", Map.of("subdomain", "acme")));
    assertThat(link.url().getHost()).isEqualTo("acme.zendesk.com");
    assertThat(link.flowState()).containsEntry("subdomain", "acme");
    assertThatThrownBy(() -> catalog.authorize(request("zendesk", Map.of("subdomain", "evil.com/x"))))
        .isInstanceOfSatisfying(ProviderException.class, e ->
            assertThat(e.getMessage()).contains("subdomain must be letters, digits and '-'"));
  }

  @Test
  void zendesk_withoutItsSubdomain_failsDefinitivelyNamingTheField() {
    OAuth2Catalog catalog = withClientsForEveryFamily();
    assertThatThrownBy(() -> catalog.authorize(request("zendesk", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.errorCode()).isEqualTo("invalid_connection_field");
          assertThat(e.getMessage()).contains("'zendesk'").contains("subdomain is required");
        });
  }

  @Test
  void familyWithoutClient_listedButLinkFailsNamingTheSettings() {
    OAuth2Catalog catalog = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties()).build();
    assertThat(catalog.toolkits()).extracting(ToolkitDescriptor::slug).contains("gmail");
    assertThatThrownBy(() -> catalog.authorize(request("googlesheets", Map.of())))
        .isInstanceOfSatisfying(ProviderException.class, e -> {
          assertThat(e.isDefinitive()).isTrue();
          assertThat(e.getMessage()).contains("TETHER_GOOGLE_CLIENT_ID").contains("TETHER_GOOGLE_CLIENT_SECRET")
              .contains("tether.google.client-id").contains("'googlesheets'");
        });
  }

  @Test
  void clients_fromEnvironment_systemPropertiesWin_builderWinsOverBoth() {
    Properties props = new Properties();
    props.setProperty("tether.github.client-id", "from-property");
    Map<String, String> env = Map.of("TETHER_GITHUB_CLIENT_ID", "from-env", "TETHER_SLACK_CLIENT_ID", "slack-env",
        "TETHER_SLACK_CLIENT_SECRET", "slack-secret");
    OAuth2Catalog catalog = OAuth2Catalog.builder().environment(env).systemProperties(props)
        .client("gitlab", "from-builder", null).build();
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("github", Map.of())).url()))
        .containsEntry("client_id", "from-property");
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("slack", Map.of())).url()))
        .containsEntry("client_id", "slack-env");
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("gitlab", Map.of())).url()))
        .containsEntry("client_id", "from-builder");
    assertThat(OAuth2Catalog.clientIdVariable("one_family")).isEqualTo("TETHER_ONE_FAMILY_CLIENT_ID");
  }

  @Test
  void endpoints_canPointAFamilyAtASandbox() {
    OAuth2Catalog catalog = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .client("google", "id", "secret")
        .endpoints("google", URI.create("http://127.0.0.1:9000/default/authorize"),
            URI.create("http://127.0.0.1:9000/default/token"))
        .build();
    assertThat(catalog.authorize(request("gmail", Map.of())).url().toString())
        .startsWith("http://127.0.0.1:9000/default/authorize?");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Catalog.builder().client("nope", "id", "s").build())
        .withMessageContaining("Unknown OAuth 2.0 family 'nope'");
  }

  @Test
  void offlineAccess_alwaysGoesWithPromptConsent_elseNoRefreshToken() {
    OAuth2Catalog catalog = withClientsForEveryFamily();
    for (ToolkitDescriptor d : catalog.toolkits()) {
      Map<String, String> fields = d.fields().stream().collect(Collectors.toMap(f -> f.name(), f -> "acme"));
      Map<String, String> q = FormBodiesTestSupport.query(catalog.authorize(request(d.slug(), fields)).url());
      if (List.of(q.getOrDefault("scope", "").split(" ")).contains("offline_access")) {
        assertThat(q.get("prompt")).as(d.slug()).contains("consent");
      }
    }
    OAuth2Toolkit own = OAuth2Toolkit.builder("mine").authorizationUrl(URI.create("https://as.example/auth"))
        .tokenUrl(URI.create("https://as.example/token")).clientId("id").scopes("openid", "offline_access").build();
    assertThat(FormBodiesTestSupport.query(own.authorize(request("mine", Map.of())).url()))
        .containsEntry("prompt", "consent");
    OAuth2Toolkit chosen = OAuth2Toolkit.builder("mine").authorizationUrl(URI.create("https://as.example/auth"))
        .tokenUrl(URI.create("https://as.example/token")).clientId("id").scopes("offline_access")
        .authorizationParameter("prompt", "login consent").build();
    assertThat(FormBodiesTestSupport.query(chosen.authorize(request("mine", Map.of())).url()))
        .as("an explicit prompt is kept").containsEntry("prompt", "login consent");
  }

  @Test
  void issuer_google_declaredNotRequired_andDroppedWhenEndpointsMove() {
    OAuth2Catalog bundled = withClientsForEveryFamily();
    assertThat(bundled.issuer("gmail")).contains("https://accounts.google.com");
    assertThat(bundled.requiresIssuer("gmail")).as("Google does not send iss to every user").isFalse();
    OAuth2Catalog sandbox = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .endpoints("google", URI.create("http://127.0.0.1:9000/a"), URI.create("http://127.0.0.1:9000/t")).build();
    assertThat(sandbox.issuer("gmail")).as("another server, another issuer").isEmpty();
    OAuth2Catalog strict = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .endpoints("google", URI.create("http://127.0.0.1:9000/a"), URI.create("http://127.0.0.1:9000/t"))
        .issuer("google", "http://127.0.0.1:9000", true).build();
    assertThat(strict.issuer("gmail")).contains("http://127.0.0.1:9000");
    assertThat(strict.requiresIssuer("gmail")).isTrue();
    assertThat(strict.requiresIssuer("github")).isFalse();
    assertThatThrownBy(() -> OAuth2Toolkit.builder("x").authorizationUrl(URI.create("https://as.example/a"))
        .tokenUrl(URI.create("https://as.example/t")).requireIssuer().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("issuer(");
    assertThat(OAuth2Toolkit.builder("x").authorizationUrl(URI.create("https://as.example/a"))
        .tokenUrl(URI.create("https://as.example/t")).issuer("https://as.example").requireIssuer().build()
        .requiresIssuer("x")).isTrue();
  }

  @Test
  void scopes_canBeReplacedPerToolkit() {
    OAuth2Catalog catalog = OAuth2Catalog.builder().environment(Map.of()).systemProperties(new Properties())
        .client("google", "id", "secret").scopes("gmail", "openid", "email").build();
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("gmail", Map.of())).url()))
        .containsEntry("scope", "openid email");
    assertThat(FormBodiesTestSupport.query(catalog.authorize(request("googledocs", Map.of())).url()))
        .containsEntry("scope", "https://www.googleapis.com/auth/documents");
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Catalog.builder().scopes("gmial", "x").build())
        .withMessageContaining("Unknown toolkit 'gmial'");
  }

  @Test
  void brokenCatalogEntry_failsNamingIt() {
    String broken = "{\"catalog_version\":1,\"families\":{"
        + "\"good\":{\"authorization_url\":\"https://a.example/auth\",\"token_url\":\"https://a.example/token\","
        + "\"toolkits\":{\"good_one\":{\"name\":\"Good\"}}},"
        + "\"bad\":{\"authorization_url\":\"not a url\",\"token_url\":\"https://b.example/{tenant}/token\","
        + "\"pkce\":\"yes\",\"scope_seperator\":\",\",\"default_token_lifetime\":\"1 hour\","
        + "\"toolkits\":{\"Bad Slug\":{},\"bad_one\":{\"scopes\":\"read\"}}}}}";
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OAuth2Catalog.builder().catalog(broken, "my-catalog.json").build())
        .withMessageContaining("my-catalog.json")
        .withMessageContaining("families.bad.authorization_url")
        .withMessageContaining("families.bad.token_url: URL placeholder {tenant} is not a declared field")
        .withMessageContaining("families.bad.pkce: must be true or false")
        .withMessageContaining("families.bad.scope_seperator: unknown setting")
        .withMessageContaining("families.bad.default_token_lifetime")
        .withMessageContaining("families.bad.toolkits.Bad Slug")
        .withMessageContaining("families.bad.toolkits.bad_one.name: a display name is required")
        .withMessageContaining("families.bad.toolkits.bad_one.scopes: must be an array")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("families.good"));
  }

  @Test
  void bundledCatalog_describesEveryToolkit_withWordsOfTheVocabulary() {
    for (ToolkitDescriptor d : new OAuth2Catalog().toolkits()) {
      assertThat(d.description()).as(d.slug()).isNotBlank().doesNotContain("\n")
          .hasSizeLessThanOrEqualTo(ToolkitDescriptor.MAX_DESCRIPTION_LENGTH);
      assertThat(d.categories()).as(d.slug()).isNotEmpty().doesNotHaveDuplicates()
          .allSatisfy(c -> assertThat(Categories.isKnown(c)).as(d.slug() + " category " + c).isTrue());
    }
  }

  @Test
  void userCatalog_mayLeaveDescriptionAndCategoriesOut_orUseItsOwnWords() {
    String json = "{\"catalog_version\":1,\"families\":{\"acme\":{"
        + "\"authorization_url\":\"https://a.example/auth\",\"token_url\":\"https://a.example/token\","
        + "\"toolkits\":{\"acme_plain\":{\"name\":\"Plain\"},"
        + "\"acme_crm\":{\"name\":\"Acme CRM\",\"description\":\"Keep Acme's customer records\","
        + "\"categories\":[\"crm\",\"acme_internal\"]}}}}}";
    OAuth2Catalog catalog = OAuth2Catalog.builder().catalog(json, "acme.json").build();
    ToolkitDescriptor plain = catalog.toolkit("acme_plain").orElseThrow().descriptor();
    assertThat(plain.description()).isEmpty();
    assertThat(plain.categories()).isEmpty();
    ToolkitDescriptor crm = catalog.toolkit("acme_crm").orElseThrow().descriptor();
    assertThat(crm.description()).isEqualTo("Keep Acme's customer records");
    assertThat(crm.categories()).containsExactly("crm", "acme_internal");
  }

  @Test
  void malformedDescriptionOrCategories_failNamingTheEntry() {
    String json = "{\"catalog_version\":1,\"families\":{\"acme\":{"
        + "\"authorization_url\":\"https://a.example/auth\",\"token_url\":\"https://a.example/token\","
        + "\"toolkits\":{\"long\":{\"name\":\"Long\",\"description\":\"" + "x".repeat(301) + "\"},"
        + "\"lines\":{\"name\":\"Lines\",\"description\":\"one\\ntwo\"},"
        + "\"number\":{\"name\":\"Number\",\"description\":7},"
        + "\"upper\":{\"name\":\"Upper\",\"categories\":[\"Email\"]},"
        + "\"twice\":{\"name\":\"Twice\",\"categories\":[\"email\",\"email\"]},"
        + "\"text\":{\"name\":\"Text\",\"categories\":\"email\"}}}}}";
    assertThatIllegalArgumentException().isThrownBy(() -> OAuth2Catalog.builder().catalog(json, "acme.json").build())
        .withMessageContaining("families.acme.toolkits.long.description: must be one line of at most 300")
        .withMessageContaining("families.acme.toolkits.lines.description: must be one line")
        .withMessageContaining("families.acme.toolkits.number.description: must be a string")
        .withMessageContaining("families.acme.toolkits.upper.categories: 'Email' is not lower case")
        .withMessageContaining("families.acme.toolkits.twice.categories: 'email' is listed twice")
        .withMessageContaining("families.acme.toolkits.text.categories: must be an array");
  }

  @Test
  void malformedJson_failsWithPosition() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> OAuth2Catalog.builder().catalog("{\"families\": [", "x.json").build())
        .withMessageContaining("not valid JSON (line 1");
  }

  @Test
  void serviceLoader_findsTheCatalog_withoutIoInConstructor() {
    assertThat(ServiceLoader.load(dev.tether.spi.ToolkitProvider.class).stream()
        .map(p -> p.type().getName())).contains(OAuth2Catalog.class.getName());
    assertThat(new OAuth2Catalog().toString()).isEqualTo("OAuth2Catalog[not loaded]");
  }
}

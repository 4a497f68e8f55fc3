package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real {@link java.util.ServiceLoader} discovery, one try per provider, explicit wins. */
class ProviderDiscoveryTest {
  private static final URI REDIRECT = URI.create("https://host.example/cb");

  @Test
  void discovers_providersListedInMetaInfServices() {
    Tether tether = Tether.builder().redirectUri(REDIRECT).build();
    assertThat(tether.toolkitSlugs()).contains("acme_notes", "weathermap");
    assertThat(tether.providers().providers()).extracting(ProviderReport.LoadedProvider::providerClass)
        .contains(DiscoverableTestProvider.class.getName());
    assertThat(tether.providers().providers()).filteredOn(p -> p.providerClass().equals(
        DiscoverableTestProvider.class.getName())).singleElement()
        .extracting(ProviderReport.LoadedProvider::origin).isEqualTo(ProviderReport.Origin.DISCOVERED);
    assertThat(tether.createSession("u").authorize("acme_notes").redirectUrl().getHost()).isEqualTo("discovered.example");
  }

  @Test
  void discovers_bundledOAuth2CatalogOnTheClassPath() {
    Tether tether = Tether.builder().redirectUri(REDIRECT).build();
    assertThat(tether.toolkitSlugs()).contains("gmail", "googlesheets", "outlook", "one_drive", "github", "slack",
        "notion", "jira", "zendesk");
    assertThat(tether.providers().providers()).anySatisfy(p -> {
      assertThat(p.providerClass()).isEqualTo("dev.tether.providers.oauth2.OAuth2Catalog");
      assertThat(p.toolkits()).hasSizeGreaterThanOrEqualTo(30);
    });
  }

  @Test
  void discoveryOff_findsNothing() {
    assertThat(Tether.builder().discoverProviders(false).build().toolkitSlugs()).isEmpty();
  }

  @Test
  void explicitProvider_winsOverDiscovered_andIsReported() {
    FakeProvider explicit = new FakeProvider(new dev.tether.spi.ToolkitDescriptor("acme_notes", "Acme Notes (mine)",
        dev.tether.spi.AuthScheme.OAUTH2));
    Tether tether = Tether.builder().redirectUri(REDIRECT).provider(explicit).build();
    assertThat(tether.createSession("u").authorize("acme_notes").redirectUrl().getHost()).isEqualTo("auth.example");
    assertThat(tether.toolkitSlugs()).contains("weathermap");
    assertThat(tether.providers().problems()).anySatisfy(p -> assertThat(p)
        .contains("'acme_notes'").contains("overridden by explicit").contains(FakeProvider.class.getName()));
  }

  @Test
  void twoExplicitProvidersForOneSlug_isACallerMistake() {
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().discoverProviders(false)
        .provider(FakeProvider.standard()).provider(FakeProvider.standard()).build())
        .withMessageContaining("'gmail'").withMessageContaining("two explicit providers");
  }

  @Test
  void brokenProviders_reportedEach_othersStillLoad(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve("dev.tether.spi.ToolkitProvider"), List.of(
        "com.example.DoesNotExist",
        DiscoverableTestProvider.ThrowingConstructor.class.getName(),
        DiscoverableTestProvider.FutureSpi.class.getName(),
        DiscoverableTestProvider.Duplicate.class.getName(),
        "dev.tether.core.FakeProvider"));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(REDIRECT).classLoader(loader).build();
      ProviderReport report = tether.providers();

      assertThat(tether.toolkitSlugs()).contains("acme_notes", "weathermap", "gmail");
      assertThat(tether.createSession("u").authorize("acme_notes").redirectUrl().getHost()).isEqualTo("discovered.example");
      assertThat(report.isClean()).isFalse();
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("com.example.DoesNotExist"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("ThrowingConstructor"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("FutureSpi").contains("SPI version 2"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("'acme_notes'").contains("served by both")
          .contains("Duplicate"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("FakeProvider"));
    }
  }
}

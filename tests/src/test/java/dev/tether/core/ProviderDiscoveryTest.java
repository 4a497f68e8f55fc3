package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tether.providers.oauth2.OAuth2Catalog;
import dev.tether.providers.oauth2.OAuth2Toolkit;
import dev.tether.spi.ToolkitProvider;

import dev.tether.testkit.FakeToolkitProvider;
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
  void explicitProvider_winsOverDiscovered_anExplicitChoiceIsNoProblem() {
    FakeToolkitProvider explicit = TestEngines.provider(new dev.tether.spi.ToolkitDescriptor("acme_notes",
        "Acme Notes (mine)", dev.tether.spi.AuthScheme.OAUTH2));
    Tether tether = Tether.builder().redirectUri(REDIRECT).provider(explicit).build();
    assertThat(tether.createSession("u").authorize("acme_notes").redirectUrl().getHost()).isEqualTo("fake.tether.test");
    assertThat(tether.toolkitSlugs()).contains("weathermap");
    assertThat(tether.providers().isClean()).as("%s", tether.providers().problems()).isTrue();
  }

  @Test
  void documentedSetUps_haveACleanReport() {
    Tether quickStart = Tether.builder().redirectUri(REDIRECT)
        .provider(OAuth2Toolkit.builder("gmail").name("Gmail")
            .authorizationUrl(URI.create("https://accounts.google.com/o/oauth2/v2/auth"))
            .tokenUrl(URI.create("https://oauth2.googleapis.com/token")).clientId("id").clientSecret("s").build())
        .build();
    assertThat(quickStart.providers().isClean()).as("%s", quickStart.providers().problems()).isTrue();
    assertThat(quickStart.toolkitSlugs()).contains("gmail", "github");

    Tether catalog = Tether.builder().redirectUri(REDIRECT)
        .provider(OAuth2Catalog.builder().client("google", "id", "secret").build())
        .build();
    assertThat(catalog.providers().isClean()).as("%s", catalog.providers().problems()).isTrue();
    assertThat(catalog.providers().providers()).filteredOn(p -> p.providerClass().equals(OAuth2Catalog.class.getName()))
        .singleElement().extracting(ProviderReport.LoadedProvider::origin).isEqualTo(ProviderReport.Origin.EXPLICIT);
    assertThat(catalog.createSession("u").authorize("gmail").redirectUrl().getQuery()).contains("client_id=id");
  }

  @Test
  void twoDiscoveredProvidersForOneSlug_neitherWins_untilTheHostChooses(@TempDir Path dir) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    // "Duplicate" sorts before "DiscoverableTestProvider"'s other claimants by nothing but its name.
    Files.write(services.resolve("dev.tether.spi.ToolkitProvider"),
        List.of(DiscoverableTestProvider.Duplicate.class.getName()));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(REDIRECT).classLoader(loader).build();
      assertThat(tether.toolkitSlugs()).doesNotContain("acme_notes").contains("weathermap");
      assertThatThrownBy(() -> tether.createSession("u").authorize("acme_notes"))
          .isInstanceOf(UnknownToolkitException.class);

      Tether chosen = Tether.builder().redirectUri(REDIRECT).classLoader(loader)
          .provider(new DiscoverableTestProvider()).build();
      assertThat(chosen.createSession("u").authorize("acme_notes").redirectUrl().getHost())
          .isEqualTo("discovered.example");
      assertThat(chosen.providers().isClean()).as("%s", chosen.providers().problems()).isTrue();
    }
  }

  /**
   * The SPI version comes from the plugin's own class file: compiled against an SPI that says 3,
   * it reports 3 while it runs on this engine's SPI, which says 2.
   */
  @Test
  void spiVersion_isThePluginsCompileTimeVersion_notTheHostJars(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    Path spiSource = Path.of("../spi/src/main/java/dev/tether/spi/ToolkitProvider.java");
    String newerSpi = Files.readString(spiSource).replace("int SPI_VERSION = " + ToolkitProvider.SPI_VERSION + ";",
        "int SPI_VERSION = " + (ToolkitProvider.SPI_VERSION + 1) + ";");
    assertThat(newerSpi).contains("SPI_VERSION = " + (ToolkitProvider.SPI_VERSION + 1));
    Path fakeSpi = src.resolve("dev/tether/spi/ToolkitProvider.java");
    Files.createDirectories(fakeSpi.getParent());
    Files.writeString(fakeSpi, newerSpi);
    Path plugin = src.resolve("com/example/NewerPlugin.java");
    Files.createDirectories(plugin.getParent());
    Files.writeString(plugin, String.join("\n",
        "package com.example;",
        "import dev.tether.spi.*;",
        "import java.util.List;",
        "public final class NewerPlugin implements ToolkitProvider {",
        "  @Override public int spiVersion() { return SPI_VERSION; }",
        "  @Override public List<ToolkitDescriptor> toolkits() {",
        "    return List.of(new ToolkitDescriptor(\"newer\", \"Newer\", AuthScheme.OAUTH2)); }",
        "  @Override public AuthorizationLink authorize(AuthorizationRequest r) { throw new IllegalStateException(); }",
        "  @Override public Credentials exchange(ExchangeRequest r) { throw new IllegalStateException(); }",
        "}"));
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
        fakeSpi.toString(), plugin.toString());
    assertThat(status).isZero();
    Files.delete(classes.resolve("dev/tether/spi/ToolkitProvider.class")); // at run time, the host's SPI
    Path services = classes.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve("dev.tether.spi.ToolkitProvider"), List.of("com.example.NewerPlugin"));

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(REDIRECT).classLoader(loader).build();
      assertThat(tether.toolkitSlugs()).doesNotContain("newer");
      assertThat(tether.providers().problems()).anySatisfy(p -> assertThat(p).contains("com.example.NewerPlugin")
          .contains("built for SPI version " + (ToolkitProvider.SPI_VERSION + 1))
          .contains("speaks " + ToolkitProvider.SPI_VERSION));
    }
  }

  @Test
  void twoExplicitProvidersForOneSlug_isACallerMistake() {
    assertThatIllegalArgumentException().isThrownBy(() -> Tether.builder().discoverProviders(false)
        .provider(TestEngines.standardProvider()).provider(TestEngines.standardProvider()).build())
        .withMessageContaining("'gmail'").withMessageContaining("two explicit providers");
  }

  /** A plugin whose class extends a type from a jar left out: ServiceLoader throws NoClassDefFoundError. */
  @Test
  void pluginWhoseSuperclassIsMissing_isReported_othersStillLoad(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src/com/example");
    Files.createDirectories(src);
    Files.writeString(src.resolve("OptionalBase.java"), String.join("\n",
        "package com.example;",
        "import dev.tether.spi.*;",
        "import java.util.List;",
        "public abstract class OptionalBase implements ToolkitProvider {",
        "  @Override public int spiVersion() { return SPI_VERSION; }",
        "  @Override public List<ToolkitDescriptor> toolkits() {",
        "    return List.of(new ToolkitDescriptor(\"orphan\", \"Orphan\", AuthScheme.OAUTH2)); }",
        "  @Override public AuthorizationLink authorize(AuthorizationRequest r) { throw new IllegalStateException(); }",
        "  @Override public Credentials exchange(ExchangeRequest r) { throw new IllegalStateException(); }",
        "}"));
    Files.writeString(src.resolve("Orphan.java"), "package com.example;\npublic final class Orphan extends OptionalBase {}\n");
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    int status = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(),
        "-cp", System.getProperty("java.class.path"), src.resolve("OptionalBase.java").toString(),
        src.resolve("Orphan.java").toString());
    assertThat(status).isZero();
    Files.delete(classes.resolve("com/example/OptionalBase.class")); // the optional jar left out
    Path services = classes.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.write(services.resolve("dev.tether.spi.ToolkitProvider"),
        List.of("com.example.Orphan", FakeToolkitProvider.class.getName()));

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(REDIRECT).classLoader(loader).build();
      assertThat(tether.toolkitSlugs()).contains("gmail").doesNotContain("orphan");
      assertThat(tether.providers().problems()).anySatisfy(p -> assertThat(p).contains("could not be loaded")
          .contains("NoClassDefFoundError"));
    }
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
        DiscoverableTestProvider.MissingDependency.class.getName(),
        DiscoverableTestProvider.ChattyConfig.class.getName(),
        FakeToolkitProvider.class.getName()));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(REDIRECT).classLoader(loader).build();
      ProviderReport report = tether.providers();

      assertThat(tether.toolkitSlugs()).contains("weathermap", "gmail");
      assertThat(report.isClean()).isFalse();
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("com.example.DoesNotExist"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("ThrowingConstructor"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("FutureSpi")
          .contains("SPI version " + (ToolkitProvider.SPI_VERSION + 1)));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("'acme_notes'")
          .contains("claimed by 2 discovered providers").contains("Duplicate").contains("neither serves it")
          .contains("Tether.builder().provider("));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("FakeToolkitProvider"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("MissingDependency was skipped: its "
          + "toolkits() threw java.lang.NoClassDefFoundError (a class it needs is missing or incompatible: check its "
          + "dependencies)"));
      assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("ChattyConfig was skipped: its "
          + "toolkits() threw java.lang.IllegalStateException"));
      assertThat(report.problems()).as("a plugin's own message may hold a secret")
          .allSatisfy(p -> assertThat(p).doesNotContain("TOPSECRET"));
    }
  }
}

package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's plugin guide as a new user meets it: its class, taken from the README as it stands,
 * compiled against the SPI alone, registered in {@code META-INF/services}, found by discovery and
 * used through the connect-link form and {@code session.connect}.
 */
class ReadmePluginGuideTest {
  private static final String KEY = "as_0123456789abcdefghij";

  @Test
  void pluginFromTheReadme_compilesAgainstTheSpi_isDiscovered_andConnectsAnApiKey(@TempDir Path dir) throws Exception {
    String readme = Files.readString(RepositoryFiles.readme(), StandardCharsets.UTF_8);
    List<String> block = between(readme, "<!-- plugin-guide:begin -->", "<!-- plugin-guide:end -->");
    assertThat(block).filteredOn(l -> l.startsWith("import ")).as("the SPI and the JDK only")
        .allMatch(l -> l.startsWith("import java.") || l.startsWith("import dev.tether.spi."));

    Path source = dir.resolve("src/com/example/acme/AcmeSearchProvider.java");
    Files.createDirectories(source.getParent());
    Files.write(source, block, StandardCharsets.UTF_8);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes.resolve("META-INF/services"));
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    String spiOnly = List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
        .filter(entry -> entry.replace('\\', '/').contains("/spi/") || entry.contains("tether-spi"))
        .collect(Collectors.joining(java.io.File.pathSeparator));
    assertThat(spiOnly).as("the SPI is on the test class path").isNotEmpty();
    int status = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror",
        "-d", classes.toString(), "-cp", spiOnly, source.toString());
    assertThat(status).as("javac says: %s", diagnostics).isZero();
    Files.write(classes.resolve("META-INF/services/dev.tether.spi.ToolkitProvider"),
        List.of("com.example.acme.AcmeSearchProvider"));

    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Tether tether = Tether.builder().redirectUri(URI.create("https://app.example/oauth/callback"))
          .connectBaseUrl(URI.create("https://app.example/link")).classLoader(loader).build();
      assertThat(tether.providers().isClean()).as("%s", tether.providers().problems()).isTrue();
      Session session = tether.createSession("user_123");

      ConnectionRequest request = session.authorize("acme_search");
      String linkId = request.redirectUrl().getPath().substring("/link/".length());
      assertThat(tether.connectLink(linkId).orElseThrow().form()).singleElement()
          .satisfies(f -> assertThat(f.name()).isEqualTo("api_key"));
      ConnectLinkResult typo = tether.submitConnectLink(linkId, Map.of("api_key", "not-a-key-at-all-really"));
      assertThat(typo.problems()).singleElement().asString().contains("starts with 'as_'");
      assertThat(tether.submitConnectLink(linkId, Map.of("api_key", KEY)).accepted()).isTrue();
      assertThat(tether.credentials(request.id()).accessToken().orElseThrow().reveal()).isEqualTo(KEY);

      assertThatIllegalArgumentException().isThrownBy(() -> session.connect("acme_search", Map.of("api_key", "x")))
          .withMessageContaining("api_key").withMessageNotContaining("x'");
      assertThat(session.connect("acme_search", Map.of("api_key", KEY)).status()).isEqualTo(ConnectionStatus.ACTIVE);
    }
  }

  private static List<String> between(String text, String begin, String end) {
    List<String> lines = List.of(text.split("\n", -1));
    int from = lines.indexOf(begin) + 1;
    int to = lines.indexOf(end);
    assertThat(from).as("marker " + begin).isPositive();
    assertThat(to).as("marker " + end).isGreaterThan(from);
    return new ArrayList<>(lines.subList(from, to)).stream().filter(l -> !l.startsWith("```"))
        .collect(Collectors.toList());
  }
}

package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start, taken from the README as it stands, compiled as a separate class that
 * sees only Tether's public API, and run against a real authorization server on loopback.
 */
class QuickStartTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MockOAuth2Server sandbox;

  @BeforeEach
  void start() throws Exception {
    sandbox = AuthorizationServers.started();
  }

  @AfterEach
  void stop() {
    sandbox.shutdown();
  }

  @Test
  void readmeQuickStart_compilesAsPasted_andConnectsAnAccount(@TempDir Path dir) throws Exception {
    String readme = Files.readString(RepositoryFiles.readme(), StandardCharsets.UTF_8);
    List<String> block = between(readme, "<!-- quick-start:begin -->", "<!-- quick-start:end -->").stream()
        .filter(l -> !l.startsWith("```")).collect(Collectors.toList());
    assertThat(block.get(0)).as("a complete compilation unit").startsWith("package ");
    assertThat(block).filteredOn(l -> l.startsWith("import ")).as("public API and the JDK only")
        .allMatch(l -> l.startsWith("import java.") || l.startsWith("import dev.tether.core.")
            || l.startsWith("import dev.tether.providers."));

    Path source = dir.resolve("src/com/example/quickstart/QuickStart.java");
    Files.createDirectories(source.getParent());
    Files.write(source, block, StandardCharsets.UTF_8);
    Path classes = dir.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics, "-Xlint:all", "-Werror", "-encoding", "UTF-8",
        "-d", classes.toString(), "-cp", existingClassPath(), source.toString());
    assertThat(status).as("javac says: %s", diagnostics).isZero();

    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    String answer;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method connectGmail = loader.loadClass("com.example.quickstart.QuickStart").getMethod("connectGmail",
          URI.class, URI.class, String.class, String.class, UnaryOperator.class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      UnaryOperator<URI> browser = QuickStartTest::userSignsIn;
      answer = (String) connectGmail.invoke(null, URI.create(sandbox.authorizationEndpointUrl("default").toString()),
          URI.create(sandbox.tokenEndpointUrl("default").toString()), "quick-start-client", "quick-start-secret",
          browser);
    } finally {
      System.setOut(console);
    }

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .matches("(?s)ca_\\S+ is ACTIVE; the user lands on "
            + "http://127\\.0\\.0\\.1:8080/settings/connections\\?status=success&connected_account_id=ca_\\S+\\R");
    JsonNode json = JSON.readTree(answer);
    assertThat(json.get("successful").asBoolean()).isTrue();
    assertThat(json.at("/data/message").asText()).isEqualTo("All connections are active");
    assertThat(json.at("/data/results/gmail/status").asText()).isEqualTo("active");
  }

  @Test
  void readme_showsTheToolDefinitionTheCodeHands() throws Exception {
    String readme = Files.readString(RepositoryFiles.readme(), StandardCharsets.UTF_8);
    String block = String.join("\n", between(readme, "<!-- tool-definition:begin -->", "<!-- tool-definition:end -->")
        .stream().filter(l -> !l.startsWith("```")).collect(Collectors.toList()));
    JsonNode shown = JSON.readTree(block);
    ToolDefinition actual = Tether.builder().discoverProviders(false).build().createSession("u").tools().get(0);
    assertThat(shown.get("name").asText()).isEqualTo(actual.name());
    assertThat(shown.get("input_schema")).isEqualTo(JSON.readTree(actual.inputSchema()));
  }

  /**
   * The test class path without entries that do not exist (this module has no main classes, and
   * javac's -Werror refuses a missing path element).
   */
  private static String existingClassPath() {
    return List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)).stream()
        .filter(entry -> Files.exists(Path.of(entry))).collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private static List<String> between(String text, String begin, String end) {
    List<String> lines = List.of(text.split("\n", -1));
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(begin)) {
        from = i + 1;
      } else if (lines.get(i).strip().equals(end)) {
        to = i;
      }
    }
    assertThat(from).as("marker " + begin).isPositive();
    assertThat(to).as("marker " + end).isGreaterThan(from);
    return new ArrayList<>(lines.subList(from, to));
  }

  /** What a browser does: GET the link, sign in, and stop at the redirect back to the host. */
  private static URI userSignsIn(URI link) {
    try {
      HttpResponse<String> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
          .send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("sandbox redirects back").isEqualTo(302);
      return URI.create(response.headers().firstValue("Location").orElseThrow());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

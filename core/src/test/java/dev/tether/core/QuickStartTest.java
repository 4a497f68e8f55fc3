package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.providers.oauth2.OAuth2Toolkit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start, compiled and run against a real authorization server on loopback, and
 * checked to be the very code the README shows.
 */
class QuickStartTest {
  private MockOAuth2Server sandbox;
  private URI authorizationUrl;
  private URI tokenUrl;
  private final String clientId = "quick-start-client";
  private final String clientSecret = "quick-start-secret";

  @BeforeEach
  void start() throws Exception {
    sandbox = AuthorizationServers.started();
    authorizationUrl = URI.create(sandbox.authorizationEndpointUrl("default").toString());
    tokenUrl = URI.create(sandbox.tokenEndpointUrl("default").toString());
  }

  @AfterEach
  void stop() {
    sandbox.shutdown();
  }

  @Test
  void quickStart_runsEndToEnd() throws Exception {
    // README-BEGIN
    Tether tether = Tether.builder()
        .redirectUri(URI.create("http://127.0.0.1:8080/oauth/callback"))
        .provider(OAuth2Toolkit.builder("gmail")
            .name("Gmail")
            .authorizationUrl(authorizationUrl) // e.g. https://accounts.google.com/o/oauth2/v2/auth
            .tokenUrl(tokenUrl)                 // e.g. https://oauth2.googleapis.com/token
            .clientId(clientId)
            .clientSecret(clientSecret)
            .scopes("openid", "email")
            .build())
        .build();

    Session session = tether.createSession("user_123");

    // In chat: the agent calls the meta-tool and shows the user the redirect_url it returns.
    String json = session.execute("COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\": [\"gmail\"]}");

    // Or manually: the app starts the flow and sends the user to the link.
    ConnectionRequest request = session.authorize("gmail");
    URI link = request.redirectUrl(); // or redirectUrlString() for a Location header, without a URI parse

    // The user signs in; the provider redirects the browser to the host's callback endpoint,
    // which hands the query parameters to Tether and redirects where the result says.
    Map<String, String> query = userSignsIn(link);
    CallbackResult result = tether.handleCallback(query);

    ConnectedAccount account = request.waitForConnection(Duration.ofSeconds(60));
    System.out.println(account.id() + " is " + account.status()); // ca_… is ACTIVE
    // README-END

    assertThat(json).contains("\"status\":\"initiated\"").contains("\"redirect_url\"");
    assertThat(result.successful()).isTrue();
    assertThat(account.status()).isEqualTo(ConnectionStatus.ACTIVE);
    assertThat(session.manageConnections(List.of("gmail"), false).message()).isEqualTo("All connections are active");
  }

  @Test
  void readme_showsExactlyThisQuickStart() throws Exception {
    String source = Files.readString(Path.of("src/test/java/dev/tether/core/QuickStartTest.java"));
    List<String> snippet = between(source, "// README-BEGIN", "// README-END");
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    List<String> shown = between(readme, "<!-- quick-start:begin -->", "<!-- quick-start:end -->").stream()
        .filter(l -> !l.startsWith("```")).collect(Collectors.toList());
    assertThat(shown).as("README quick start must match QuickStartTest").isEqualTo(snippet);
  }

  @Test
  void readme_showsTheToolDefinitionTheCodeHands() throws Exception {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    String block = String.join("\n", between(readme, "<!-- tool-definition:begin -->", "<!-- tool-definition:end -->")
        .stream().filter(l -> !l.startsWith("```")).collect(Collectors.toList()));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode shown = json.readTree(block);
    ToolDefinition actual = Tether.builder().discoverProviders(false).build().createSession("u").tools().get(0);
    assertThat(shown.get("name").asText()).isEqualTo(actual.name());
    assertThat(shown.get("input_schema")).isEqualTo(json.readTree(actual.inputSchema()));
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
    List<String> body = new ArrayList<>(lines.subList(from, to));
    int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
        .min().orElse(0);
    return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent).stripTrailing()).collect(Collectors.toList());
  }

  /** What a browser does: GET the link, get redirected back with code and state. */
  private static Map<String, String> userSignsIn(URI link) throws Exception {
    HttpResponse<String> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
        .send(HttpRequest.newBuilder(link).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("sandbox redirects back").isEqualTo(302);
    return FakeProvider.query(URI.create(response.headers().firstValue("Location").orElseThrow()));
  }
}

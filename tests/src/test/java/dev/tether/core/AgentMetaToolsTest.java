package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tether.spi.AuthScheme;
import dev.tether.spi.ToolkitDescriptor;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** COMPOSIO_SEARCH_TOOLS, COMPOSIO_WAIT_FOR_CONNECTIONS and the session's MCP endpoint. */
class AgentMetaToolsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TestClock clock = TestClock.standing();
  private FakeToolkitProvider provider;
  private Tether tether;

  @BeforeEach
  void setUp() {
    provider = TestEngines.provider(
        new ToolkitDescriptor("gmail", "Gmail", AuthScheme.OAUTH2)
            .describedAs("Read, send and organise email in a Gmail inbox", "email"),
        new ToolkitDescriptor("outlook", "Outlook", AuthScheme.OAUTH2)
            .describedAs("Email and calendar in Microsoft 365", "email", "calendar"),
        new ToolkitDescriptor("github", "GitHub", AuthScheme.OAUTH2)
            .describedAs("Repositories, issues and pull requests on GitHub", "code"),
        new ToolkitDescriptor("hackernews", "Hacker News", AuthScheme.NONE)
            .describedAs("Read Hacker News stories and comments", "news", "social"));
    tether = TestEngines.builder(provider, clock).mcpBaseUrl(URI.create("https://host.example/mcp")).build();
  }

  private JsonNode call(Session s, String tool, String args) throws Exception {
    return JSON.readTree(s.execute(tool, args));
  }

  private String connect(Session s, String toolkit) {
    ConnectionRequest r = s.authorize(toolkit);
    assertThat(tether.handleCallback(FakeToolkitProvider.approve(r.redirectUrl(), "code-" + toolkit)).successful()).isTrue();
    return r.id();
  }

  @Test
  void search_findsTheSessionsToolkitsBestFirst_withTheirConnection() throws Exception {
    Session s = tether.createSession("alice");
    String gmail = connect(s, "gmail");
    JsonNode root = call(s, "COMPOSIO_SEARCH_TOOLS",
        "{\"queries\":[{\"use_case\":\"send an email to my boss\"},{\"use_case\":\"open an issue\"}]}");
    assertThat(root.get("successful").asBoolean()).isTrue();
    JsonNode email = root.at("/data/results/0");
    assertThat(email.get("use_case").asText()).isEqualTo("send an email to my boss");
    assertThat(email.get("toolkits").findValuesAsText("toolkit")).containsExactly("gmail", "outlook");
    assertThat(email.at("/toolkits/0/connection_status").asText()).isEqualTo("active");
    assertThat(email.at("/toolkits/0/connected_account_id").asText()).isEqualTo(gmail);
    assertThat(email.at("/toolkits/0/auth_scheme").asText()).isEqualTo("oauth2");
    assertThat(email.at("/toolkits/1/connection_status").asText()).isEqualTo("not_connected");
    assertThat(email.at("/toolkits/0/description").asText()).contains("Gmail inbox");
    assertThat(root.at("/data/results/1/toolkits/0/toolkit").asText()).isEqualTo("github");
    assertThat(root.at("/data/session/id").asText()).isEqualTo(s.id());
    assertThat(root.at("/data/session/instructions").asText()).contains(s.id()).contains("COMPOSIO_MANAGE_CONNECTIONS");
  }

  @Test
  void search_onlyTheSessionsToolkits_andNoInventionWhenNothingMatches() throws Exception {
    Session onlyCode = tether.createSession("bob", SessionOptions.builder().toolkits("github").build());
    JsonNode root = call(onlyCode, "COMPOSIO_SEARCH_TOOLS", "{\"queries\":[{\"use_case\":\"send an email\"}]}");
    assertThat(root.at("/data/results/0/toolkits").size()).isZero();
    assertThat(root.at("/data/results/0/message").asText()).contains("do not invent");
  }

  @Test
  void search_badInput_isRefusedWhole_neverThrows() throws Exception {
    Session s = tether.createSession("alice");
    for (String bad : new String[] {"{}", "{\"queries\":[]}", "{\"queries\":\"email\"}", "{\"queries\":[{}]}",
        "{\"queries\":[{\"use_case\":7}]}", "{\"queries\":[{\"use_case\":\"x\"}],\"session\":{\"id\":\"trs_other\"}}",
        "{\"queries\":[{\"use_case\":\"" + "x".repeat(501) + "\"}]}", "{\"queries\":[{\"use_case\":\"a\"}]} {}"}) {
      JsonNode root = call(s, "COMPOSIO_SEARCH_TOOLS", bad);
      assertThat(root.get("successful").asBoolean()).as(bad).isFalse();
      assertThat(root.get("error").asText()).as(bad).isNotBlank();
    }
    JsonNode ok = call(s, "COMPOSIO_SEARCH_TOOLS",
        "{\"queries\":[{\"use_case\":\"email\",\"known_fields\":\"to: x\"}],\"session\":{\"id\":\"" + s.id()
            + "\",\"generate_id\":true}}");
    assertThat(ok.get("successful").asBoolean()).isTrue();
  }

  @Test
  void wait_isOffered_onlyWhenTheSessionEnablesIt() throws Exception {
    Session plain = tether.createSession("alice");
    assertThat(plain.tools()).extracting(ToolDefinition::name)
        .containsExactly("COMPOSIO_MANAGE_CONNECTIONS", "COMPOSIO_SEARCH_TOOLS");
    assertThat(call(plain, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}").get("error").asText())
        .contains("waitForConnections(true)");
    Session waiting = tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    assertThat(waiting.tools()).extracting(ToolDefinition::name).contains("COMPOSIO_WAIT_FOR_CONNECTIONS");
    Session manual = tether.createSession("alice", SessionOptions.builder().manageConnections(false)
        .waitForConnections(true).build());
    assertThat(manual.tools()).extracting(ToolDefinition::name).containsExactly("COMPOSIO_WAIT_FOR_CONNECTIONS");
  }

  @Test
  void tools_stateWhatACallChanges_soMcpClientsKnowWhatToConfirm() {
    Session s = tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    Map<String, ToolDefinition.Hints> hints = new HashMap<>();
    s.tools().forEach(t -> hints.put(t.name(), t.hints()));
    assertThat(hints.get("COMPOSIO_SEARCH_TOOLS")).isEqualTo(new ToolDefinition.Hints(true, false, true, false));
    assertThat(hints.get("COMPOSIO_MANAGE_CONNECTIONS")).isEqualTo(new ToolDefinition.Hints(false, true, false, true));
    assertThat(hints.get("COMPOSIO_WAIT_FOR_CONNECTIONS"))
        .isEqualTo(new ToolDefinition.Hints(true, false, true, false));
    assertThat(new ToolDefinition("x", "d", "{}").hints()).isEqualTo(ToolDefinition.Hints.UNSTATED);
  }

  @Test
  void wait_returnsWhenTheCallbackCompletes_wokenByTheChange() throws Exception {
    Session s = tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    JsonNode manage = call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\",\"github\"]}");
    URI gmailLink = URI.create(manage.at("/data/results/gmail/redirect_url").asText());
    URI githubLink = URI.create(manage.at("/data/results/github/redirect_url").asText());

    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<JsonNode> any = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      try {
        return call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS",
            "{\"toolkits\":[\"gmail\",\"github\"],\"mode\":\"any\",\"timeout_seconds\":120}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(waiting.await(30, TimeUnit.SECONDS)).isTrue();
    tether.handleCallback(FakeToolkitProvider.approve(gmailLink, "g"));
    JsonNode anyAnswer = any.get(30, TimeUnit.SECONDS);
    assertThat(anyAnswer.at("/data/condition_met").asBoolean()).isTrue();
    assertThat(anyAnswer.at("/data/timed_out").asBoolean()).isFalse();
    assertThat(anyAnswer.at("/data/results/gmail/status").asText()).isEqualTo("active");
    assertThat(anyAnswer.at("/data/summary/active_connections").asInt()).isEqualTo(1);

    CompletableFuture<JsonNode> all = CompletableFuture.supplyAsync(() -> {
      try {
        return call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\",\"github\"],\"timeout_seconds\":120}");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    tether.handleCallback(FakeToolkitProvider.approve(githubLink, "h"));
    JsonNode allAnswer = all.get(30, TimeUnit.SECONDS);
    assertThat(allAnswer.at("/data/condition_met").asBoolean()).isTrue();
    assertThat(allAnswer.at("/data/message").asText()).isEqualTo("All connections are active");
  }

  @Test
  void wait_timesOut_whenNothingHappens_andStopsAtOnceWhenNothingIsPending() throws Exception {
    Session s = tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    call(s, "COMPOSIO_MANAGE_CONNECTIONS", "{\"toolkits\":[\"gmail\"]}");
    JsonNode timedOut = call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":0}");
    assertThat(timedOut.at("/data/condition_met").asBoolean()).isFalse();
    assertThat(timedOut.at("/data/timed_out").asBoolean()).isTrue();
    assertThat(timedOut.at("/data/results/gmail/status").asText()).isEqualTo("initiated");

    JsonNode hopeless = call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS",
        "{\"toolkits\":[\"gmail\",\"github\",\"nope\"],\"timeout_seconds\":300}");
    assertThat(hopeless.at("/data/timed_out").asBoolean()).as("github has no link: no point waiting").isFalse();
    assertThat(hopeless.at("/data/results/github/status").asText()).isEqualTo("not_connected");
    assertThat(hopeless.at("/data/results/nope/status").asText()).isEqualTo("failed");

    JsonNode blank = call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS",
        "{\"toolkits\":[\"gmail\",\" \"],\"timeout_seconds\":300}");
    assertThat(blank.get("successful").asBoolean()).as("a blank entry fails that toolkit only").isTrue();
    assertThat(blank.at("/data/results").get("").get("error_message").asText())
        .isEqualTo("A toolkit slug is blank; pass one such as 'gmail'.");
    assertThat(hopeless.at("/data/message").asText()).contains("COMPOSIO_MANAGE_CONNECTIONS");

    clock.advance(Duration.ofMinutes(11));
    JsonNode expired = call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":300}");
    assertThat(expired.at("/data/results/gmail/status").asText()).isEqualTo("expired");
    assertThat(expired.at("/data/timed_out").asBoolean()).isFalse();
  }

  @Test
  void wait_badInput_isRefused() throws Exception {
    Session s = tether.createSession("alice", SessionOptions.builder().waitForConnections(true).build());
    for (String bad : new String[] {"{}", "{\"toolkits\":[]}", "{\"toolkits\":[\"gmail\"],\"mode\":\"some\"}",
        "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":301}", "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":-1}",
        "{\"toolkits\":[\"gmail\"],\"timeout_seconds\":1.5}", "{\"toolkits\":[\"gmail\"],\"session_id\":\"trs_x\"}"}) {
      assertThat(call(s, "COMPOSIO_WAIT_FOR_CONNECTIONS", bad).get("successful").asBoolean()).as(bad).isFalse();
    }
  }

  @Test
  void mcp_endpointNamesTheSession_andItsBearerIsTheOnlyWayIn() {
    Session s = tether.createSession("alice");
    McpEndpoint mcp = s.mcp();
    assertThat(mcp.type()).isEqualTo("http");
    assertThat(mcp.url()).isEqualTo(URI.create("https://host.example/mcp/" + s.id()));
    String header = mcp.headers().get("Authorization");
    assertThat(header).startsWith("Bearer ");
    String bearer = header.substring("Bearer ".length());
    assertThat(java.util.Base64.getUrlDecoder().decode(bearer)).as("256 bits").hasSize(32);
    assertThat(mcp.toString()).doesNotContain(bearer);
    assertThat(tether.createSession("alice").mcp().headers()).isNotEqualTo(mcp.headers());

    assertThat(tether.mcpSession(s.id(), bearer)).contains(s);
    assertThat(tether.mcpSession(s.id(), bearer + "x")).isEmpty();
    assertThat(tether.mcpSession(s.id(), null)).isEmpty();
    assertThat(tether.mcpSession("trs_unknown", bearer)).isEmpty();
    clock.advance(Duration.ofHours(25));
    assertThat(tether.mcpSession(s.id(), bearer)).as("expired").isEmpty();
  }

  @Test
  void mcp_wrongBearers_doNotKeepASessionAlive() {
    Session s = tether.createSession("alice");
    String bearer = s.mcp().headers().get("Authorization").substring("Bearer ".length());
    for (int hour = 0; hour < 30; hour++) {
      clock.advance(Duration.ofHours(1));
      assertThat(tether.mcpSession(s.id(), "guess-" + hour)).isEmpty();
    }
    assertThat(tether.mcpSession(s.id(), bearer)).as("idle for 30 h despite the guesses").isEmpty();
  }

  @Test
  void mcp_withoutABaseUrl_saysWhatToSet() {
    Tether noMcp = TestEngines.builder(TestEngines.standardProvider(), clock).build();
    assertThatIllegalStateException().isThrownBy(() -> noMcp.createSession("u").mcp())
        .withMessageContaining("mcpBaseUrl");
  }
}

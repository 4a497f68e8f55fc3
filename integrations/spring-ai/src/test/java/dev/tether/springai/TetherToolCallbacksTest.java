package dev.tether.springai;

import static dev.tether.springai.TestEngines.TOOL;
import static dev.tether.springai.TestEngines.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.AccountQuery;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

class TetherToolCallbacksTest {
  private final TestClock clock = TestClock.standing();
  private final Tether tether = TestEngines.gmail(clock);

  private static ToolCallback metaTool(List<ToolCallback> callbacks) {
    assertThat(callbacks).extracting(c -> c.getToolDefinition().name()).containsExactly(TOOL, "COMPOSIO_SEARCH_TOOLS");
    return callbacks.get(0);
  }

  @Test
  void of_sessionOffersMetaTool_definitionIsTheEnginesNameDescriptionAndSchema() {
    Session session = tether.createSession("alice");
    dev.tether.core.ToolDefinition engine = session.tools().get(0);

    ToolDefinition definition = metaTool(TetherToolCallbacks.of(session)).getToolDefinition();

    assertThat(definition.name()).isEqualTo(engine.name());
    assertThat(definition.description()).isEqualTo(engine.description());
    assertThat(definition.inputSchema()).isEqualTo(engine.inputSchema());
    JsonNode schema = json(definition.inputSchema());
    assertThat(schema.path("properties").fieldNames()).toIterable()
        .containsExactly("toolkits", "reinitiate_all", "session_id");
    assertThat(schema.path("required")).containsExactly(json("\"toolkits\""));
    assertThat(schema.path("properties").path("toolkits").path("items").path("type").asText()).isEqualTo("string");
  }

  @Test
  void call_gmailNotConnected_answersInitiatedWithRedirectUrlThenActiveAfterCallback() {
    Session session = tether.createSession("alice");
    ToolCallback callback = metaTool(TetherToolCallbacks.of(session));

    JsonNode first = json(callback.call("{\"toolkits\": [\"gmail\"]}"));
    assertThat(first.path("successful").asBoolean()).isTrue();
    JsonNode gmail = first.path("data").path("results").path("gmail");
    assertThat(gmail.path("status").asText()).isEqualTo("initiated");
    URI link = URI.create(gmail.path("redirect_url").asText());

    assertThat(tether.handleCallback(FakeToolkitProvider.approve(tether, link, "code")).successful()).isTrue();

    JsonNode second = json(callback.call("{\"toolkits\": [\"gmail\"], \"session_id\": \"" + session.id() + "\"}"));
    assertThat(second.path("successful").asBoolean()).isTrue();
    assertThat(second.path("data").path("results").path("gmail").path("status").asText()).isEqualTo("active");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "{\"toolkits\": [\"gmail\"",
      "not json at all",
      "[\"gmail\"]",
      "{}",
      "{\"toolkits\": \"gmail\"}",
      "{\"toolkits\": [42]}",
      "{\"toolkits\": []}",
      "{\"toolkits\": [\"gmail\"], \"reinitiate_all\": \"yes\"}",
      "{\"toolkits\": [\"gmail\"], \"session_id\": 7}"})
  void call_badArguments_answersUnsuccessfulWithoutThrowing(String arguments) {
    ToolCallback callback = metaTool(TetherToolCallbacks.of(tether.createSession("alice")));

    JsonNode answer = json(callback.call(arguments));

    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).isNotBlank();
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).isEmpty();
  }

  @Test
  void call_withToolContext_answersAsWithout() {
    Session session = tether.createSession("alice");
    ToolCallback callback = metaTool(TetherToolCallbacks.of(session));

    JsonNode answer = json(callback.call("{\"toolkits\": [\"gmail\"]}", new ToolContext(Map.of("tenant", "t-1"))));

    assertThat(answer.path("data").path("session").path("id").asText()).isEqualTo(session.id());
  }

  @Test
  void of_manageConnectionsOff_givesNoCallbacks() {
    Session session = tether.createSession("alice", SessionOptions.builder().manageConnections(false).build());

    assertThat(TetherToolCallbacks.of(session)).isEmpty();
    assertThat(TetherToolCallbacks.provider(session).getToolCallbacks()).isEmpty();
  }

  @Test
  void of_manageConnectionsOffButWaitOn_givesTheWaitToolOnly() {
    Session session = tether.createSession("alice",
        SessionOptions.builder().manageConnections(false).waitForConnections(true).build());

    assertThat(TetherToolCallbacks.of(session)).extracting(c -> c.getToolDefinition().name())
        .containsExactly("COMPOSIO_WAIT_FOR_CONNECTIONS");
  }

  @Test
  void of_twoSessions_eachCallbackRunsOnItsOwnUser() {
    Session alice = tether.createSession("alice");
    Session bob = tether.createSession("bob");

    String forAlice = metaTool(TetherToolCallbacks.of(alice)).call("{\"toolkits\": [\"gmail\"]}");
    String forBob = metaTool(List.of(TetherToolCallbacks.provider(bob).getToolCallbacks()))
        .call("{\"toolkits\": [\"gmail\"]}");

    assertThat(json(forAlice).path("data").path("session").path("id").asText()).isEqualTo(alice.id());
    assertThat(json(forBob).path("data").path("session").path("id").asText()).isEqualTo(bob.id());
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).hasSize(1);
    assertThat(tether.accounts(AccountQuery.ofUser("bob"))).hasSize(1);
  }

  @Test
  void call_sessionExpired_answersUnsuccessfulNamingTheFix() {
    ToolCallback callback = metaTool(TetherToolCallbacks.of(tether.createSession("alice")));

    clock.advance(Tether.Builder.DEFAULT_SESSION_IDLE_TIMEOUT.plus(Duration.ofSeconds(1)));

    JsonNode answer = json(callback.call("{\"toolkits\": [\"gmail\"]}"));
    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).contains("create a new session");
  }
}

package dev.tether.langchain4j;

import static dev.tether.langchain4j.TestEngines.TOOL;
import static dev.tether.langchain4j.TestEngines.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.tether.core.AccountQuery;
import dev.tether.core.Session;
import dev.tether.core.SessionOptions;
import dev.tether.core.Tether;
import dev.tether.testkit.FakeToolkitProvider;
import dev.tether.testkit.TestClock;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TetherToolProviderTest {
  private final TestClock clock = TestClock.standing();
  private final Tether tether = TestEngines.gmail(clock);

  private static ToolProviderRequest request(Object memoryId) {
    return new ToolProviderRequest(memoryId, UserMessage.from("Connect my Gmail"));
  }

  private static ToolExecutionRequest call(String name, String arguments) {
    return ToolExecutionRequest.builder().id("call-1").name(name).arguments(arguments).build();
  }

  private ToolProviderResult toolsOf(Session session) {
    return TetherToolProvider.builder(tether).sessionFor(id -> Optional.of(session)).build()
        .provideTools(request("conversation-1"));
  }

  /** The manage meta-tool of a result, which offers the session's meta-tools in the engine's order. */
  private static AiServiceTool metaTool(ToolProviderResult result) {
    assertThat(result.aiServiceTools()).extracting(AiServiceTool::name)
        .containsExactly(TOOL, "COMPOSIO_SEARCH_TOOLS");
    return result.aiServiceTools().get(0);
  }

  private String execute(Session session, String name, String arguments) {
    ToolExecutor executor = metaTool(toolsOf(session)).toolExecutor();
    return executor.execute(call(name, arguments), "conversation-1");
  }

  @Test
  void provideTools_sessionOffersMetaTool_specificationTranslatesEverySchemaProperty() {
    ToolProviderResult result = toolsOf(tether.createSession("alice"));

    ToolSpecification spec = metaTool(result).toolSpecification();
    assertThat(spec.name()).isEqualTo(TOOL);
    assertThat(spec.description()).isEqualTo(tether.createSession("bob").tools().get(0).description());
    JsonObjectSchema parameters = spec.parameters();
    assertThat(parameters.properties()).containsOnlyKeys("toolkits", "reinitiate_all", "session_id");
    assertThat(parameters.required()).containsExactly("toolkits");
    assertThat(parameters.additionalProperties()).isTrue();

    assertThat(parameters.properties().get("toolkits")).isInstanceOfSatisfying(JsonArraySchema.class, toolkits -> {
      assertThat(toolkits.items()).isEqualTo(new JsonStringSchema());
      assertThat(toolkits.description())
          .startsWith("Toolkits to check or connect, e.g. [\"gmail\", \"github\"].")
          .endsWith("gets a connection link. (minItems: 1, maxItems: 50)");
    });
    assertThat(parameters.properties().get("reinitiate_all")).isInstanceOfSatisfying(JsonBooleanSchema.class,
        reinitiate -> assertThat(reinitiate.description())
            .startsWith("Force a new connection for every listed toolkit")
            .endsWith("seem stale or broken. (default: false)"));
    assertThat(parameters.properties().get("session_id")).isEqualTo(JsonStringSchema.builder()
        .description("ALWAYS pass the session_id returned by the previous call.").build());
  }

  @Test
  void execute_gmailNotConnected_answersInitiatedWithRedirectUrlThenActiveAfterCallback() {
    Session session = tether.createSession("alice");

    JsonNode first = json(execute(session, TOOL, "{\"toolkits\": [\"gmail\"]}"));
    assertThat(first.path("successful").asBoolean()).isTrue();
    JsonNode gmail = first.path("data").path("results").path("gmail");
    assertThat(gmail.path("status").asText()).isEqualTo("initiated");
    URI link = URI.create(gmail.path("redirect_url").asText());
    assertThat(link.getHost()).isEqualTo("fake.tether.test");

    assertThat(tether.handleCallback(FakeToolkitProvider.approve(tether, link, "code")).successful()).isTrue();

    JsonNode second = json(execute(session, TOOL,
        "{\"toolkits\": [\"gmail\"], \"session_id\": \"" + session.id() + "\"}"));
    assertThat(second.path("successful").asBoolean()).isTrue();
    assertThat(second.path("data").path("results").path("gmail").path("status").asText()).isEqualTo("active");
    assertThat(second.path("data").path("session").path("id").asText()).isEqualTo(session.id());
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
  void execute_badArguments_answersUnsuccessfulWithoutThrowing(String arguments) {
    Session session = tether.createSession("alice");

    JsonNode answer = json(execute(session, TOOL, arguments));

    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).isNotBlank();
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).isEmpty();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"COMPOSIO_WAIT_FOR_CONNECTIONS", "gmail"})
  void execute_toolNameTheSessionDoesNotOffer_answersUnsuccessful(String name) {
    JsonNode answer = json(execute(tether.createSession("alice"), name, "{\"toolkits\": [\"gmail\"]}"));

    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).contains("gmail".equals(name) || name == null || name.isEmpty() ? TOOL
        : "waitForConnections(true)");
  }

  @Test
  void provideTools_manageConnectionsOff_offersNoTools() {
    Session session = tether.createSession("alice", SessionOptions.builder().manageConnections(false).build());

    assertThat(toolsOf(session).aiServiceTools()).isEmpty();
  }

  @Test
  void provideTools_manageConnectionsOffButWaitOn_offersTheWaitToolOnly() {
    Session session = tether.createSession("alice",
        SessionOptions.builder().manageConnections(false).waitForConnections(true).build());

    assertThat(toolsOf(session).aiServiceTools()).extracting(AiServiceTool::name)
        .containsExactly("COMPOSIO_WAIT_FOR_CONNECTIONS");
  }

  @Test
  void provideTools_twoMemoryIds_eachRunsOnItsOwnUsersSession() {
    Session alice = tether.createSession("alice");
    Session bob = tether.createSession("bob");
    Map<Object, Session> byConversation = Map.of("conversation-a", alice, "conversation-b", bob);
    TetherToolProvider provider = TetherToolProvider.builder(tether)
        .sessionFor(memoryId -> Optional.ofNullable(byConversation.get(memoryId)))
        .build();

    String forA = metaTool(provider.provideTools(request("conversation-a"))).toolExecutor()
        .execute(call(TOOL, "{\"toolkits\": [\"gmail\"]}"), "conversation-a");
    String forB = metaTool(provider.provideTools(request("conversation-b"))).toolExecutor()
        .execute(call(TOOL, "{\"toolkits\": [\"gmail\"]}"), "conversation-b");

    assertThat(json(forA).path("data").path("session").path("id").asText()).isEqualTo(alice.id());
    assertThat(json(forB).path("data").path("session").path("id").asText()).isEqualTo(bob.id());
    assertThat(tether.accounts(AccountQuery.ofUser("alice"))).hasSize(1);
    assertThat(tether.accounts(AccountQuery.ofUser("bob"))).hasSize(1);
  }

  @Test
  void provideTools_memoryIdWithoutSession_offersNoTools() {
    TetherToolProvider provider = TetherToolProvider.builder(tether).sessionFor(memoryId -> Optional.empty()).build();

    assertThat(provider.provideTools(request("stranger")).aiServiceTools()).isEmpty();
    assertThat(provider.provideTools(request(null)).aiServiceTools()).isEmpty();
  }

  @Test
  void provideTools_withoutSessionFor_readsTheMemoryIdAsASessionId() {
    Session alice = tether.createSession("alice");
    TetherToolProvider provider = TetherToolProvider.builder(tether).build();

    ToolProviderResult result = provider.provideTools(request(alice.id()));
    String answer = metaTool(result).toolExecutor()
        .execute(call(TOOL, "{\"toolkits\": [\"gmail\"]}"), alice.id());

    assertThat(json(answer).path("data").path("session").path("id").asText()).isEqualTo(alice.id());
    assertThat(provider.provideTools(request("default")).aiServiceTools()).isEmpty();
    assertThat(provider.provideTools(request("trs_unknown")).aiServiceTools()).isEmpty();
  }

  @Test
  void provideTools_sessionExpired_offersNoToolsAndItsExecutorAnswersUnsuccessful() {
    Session alice = tether.createSession("alice");
    ToolExecutor before = metaTool(toolsOf(alice)).toolExecutor();

    clock.advance(Tether.Builder.DEFAULT_SESSION_IDLE_TIMEOUT.plus(Duration.ofSeconds(1)));

    assertThat(toolsOf(alice).aiServiceTools()).isEmpty();
    JsonNode answer = json(before.execute(call(TOOL, "{\"toolkits\": [\"gmail\"]}"), "conversation-1"));
    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).contains("expired");
  }

  @Test
  void provideTools_sessionForReturnsNull_throwsNamingTheMemoryId() {
    TetherToolProvider provider = TetherToolProvider.builder(tether).sessionFor(memoryId -> null).build();

    assertThatThrownBy(() -> provider.provideTools(request("conversation-x")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("conversation-x");
  }

  @Test
  void builder_sessionForSetTwice_throws() {
    TetherToolProvider.Builder builder = TetherToolProvider.builder(tether).sessionFor(memoryId -> Optional.empty());

    assertThatThrownBy(() -> builder.sessionFor(memoryId -> Optional.empty()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
  }
}

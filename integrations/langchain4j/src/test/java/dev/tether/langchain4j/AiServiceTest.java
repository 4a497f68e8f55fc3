package dev.tether.langchain4j;

import static dev.tether.langchain4j.TestEngines.TOOL;
import static dev.tether.langchain4j.TestEngines.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.TestClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The provider inside a real LangChain4j AI service, with a scripted model instead of an LLM. */
class AiServiceTest {
  private final Tether tether = TestEngines.gmail(TestClock.standing());

  interface Assistant {
    String chat(@MemoryId String conversation, @UserMessage String text);
  }

  /** Calls the meta-tool on the first turn, then repeats the tool's answer as its reply. */
  static class ScriptedModel implements ChatModel {
    final List<ChatRequest> requests = new ArrayList<>();

    @Override
    public ChatResponse doChat(ChatRequest request) {
      requests.add(request);
      ChatMessage last = request.messages().get(request.messages().size() - 1);
      AiMessage reply = last instanceof ToolExecutionResultMessage
          ? AiMessage.from(((ToolExecutionResultMessage) last).text())
          : AiMessage.from(List.of(ToolExecutionRequest.builder()
              .id("call-1").name(TOOL).arguments("{\"toolkits\": [\"gmail\"]}").build()));
      return ChatResponse.builder().aiMessage(reply).build();
    }
  }

  private Assistant assistant(ScriptedModel model, Map<String, Session> sessions) {
    return AiServices.builder(Assistant.class)
        .chatModel(model)
        .chatMemoryProvider(memoryId -> MessageWindowChatMemory.withMaxMessages(10))
        .toolProvider(TetherToolProvider.builder(tether)
            .sessionFor(memoryId -> Optional.ofNullable(sessions.get(memoryId)))
            .build())
        .build();
  }

  @Test
  void chat_modelCallsTheMetaTool_seesItsSpecificationAndGetsTheEngineAnswer() {
    ScriptedModel model = new ScriptedModel();
    Session alice = tether.createSession("alice");

    String reply = assistant(model, Map.of("conversation-a", alice)).chat("conversation-a", "Read my mail");

    List<ToolSpecification> offered = model.requests.get(0).toolSpecifications();
    assertThat(offered).extracting(ToolSpecification::name).containsExactly(TOOL, "COMPOSIO_SEARCH_TOOLS");
    JsonNode answer = json(reply);
    assertThat(answer.path("successful").asBoolean()).isTrue();
    assertThat(answer.path("data").path("results").path("gmail").path("status").asText()).isEqualTo("initiated");
    assertThat(answer.path("data").path("session").path("id").asText()).isEqualTo(alice.id());
  }

  @Test
  void chat_conversationWithoutSession_modelIsOfferedNoTools() {
    ScriptedModel model = new ScriptedModel() {
      @Override
      public ChatResponse doChat(ChatRequest request) {
        requests.add(request);
        return ChatResponse.builder().aiMessage(AiMessage.from("No tools here")).build();
      }
    };

    String reply = assistant(model, Map.of()).chat("conversation-z", "Read my mail");

    assertThat(reply).isEqualTo("No tools here");
    assertThat(model.requests.get(0).toolSpecifications()).isEmpty();
  }
}

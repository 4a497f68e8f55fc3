package dev.tether.springai;

import static dev.tether.springai.TestEngines.TOOL;
import static dev.tether.springai.TestEngines.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.Session;
import dev.tether.core.Tether;
import dev.tether.testkit.TestClock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;

/**
 * The callbacks inside Spring AI's own tool-calling loop, the one every Spring AI chat model runs
 * when the model asks for a tool; a scripted model response stands in for the LLM.
 */
class ToolCallingManagerTest {
  private final Tether tether = TestEngines.gmail(TestClock.standing());

  private static ChatResponse modelCalls(String tool, String arguments) {
    AssistantMessage toolCall = AssistantMessage.builder()
        .content("")
        .toolCalls(List.of(new AssistantMessage.ToolCall("call-1", "function", tool, arguments)))
        .build();
    return new ChatResponse(List.of(new Generation(toolCall)));
  }

  private static String toolResponse(ToolExecutionResult result) {
    List<Message> history = result.conversationHistory();
    Message last = history.get(history.size() - 1);
    assertThat(last).isInstanceOf(ToolResponseMessage.class);
    List<ToolResponseMessage.ToolResponse> responses = ((ToolResponseMessage) last).getResponses();
    assertThat(responses).extracting(ToolResponseMessage.ToolResponse::name).containsExactly(TOOL);
    return responses.get(0).responseData();
  }

  @Test
  void executeToolCalls_modelCallsTheMetaTool_answerIsTheEngines() {
    Session alice = tether.createSession("alice");
    Prompt prompt = new Prompt(List.of(new UserMessage("Read my mail")), ToolCallingChatOptions.builder()
        .toolCallbacks(TetherToolCallbacks.of(alice))
        .toolContext("tenant", "t-1")
        .build());

    ToolExecutionResult result = ToolCallingManager.builder().build()
        .executeToolCalls(prompt, modelCalls(TOOL, "{\"toolkits\": [\"gmail\"]}"));

    JsonNode answer = json(toolResponse(result));
    assertThat(answer.path("successful").asBoolean()).isTrue();
    assertThat(answer.path("data").path("results").path("gmail").path("status").asText()).isEqualTo("initiated");
    assertThat(answer.path("data").path("session").path("id").asText()).isEqualTo(alice.id());
  }

  @Test
  void executeToolCalls_modelSendsMistypedArguments_answerIsUnsuccessful() {
    Prompt prompt = new Prompt(List.of(new UserMessage("Read my mail")), ToolCallingChatOptions.builder()
        .toolCallbacks(TetherToolCallbacks.of(tether.createSession("alice")))
        .build());

    ToolExecutionResult result = ToolCallingManager.builder().build()
        .executeToolCalls(prompt, modelCalls(TOOL, "{\"toolkits\": \"gmail\"}"));

    JsonNode answer = json(toolResponse(result));
    assertThat(answer.path("successful").asBoolean()).isFalse();
    assertThat(answer.path("error").asText()).contains("toolkits");
  }
}

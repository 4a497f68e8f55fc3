package dev.tether.examples.springboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.Session;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dashboard's chat: an agent without a model that plays the in-chat flow against the real engine.
 * Asked for something, it calls {@code COMPOSIO_MANAGE_CONNECTIONS}; when the toolkit is not connected
 * it shows the Connect Link, and after the user says "Done" it calls the tool again. Thread-safe: every
 * method is synchronized.
 */
final class ChatAgent {
  static final String TOOL = "COMPOSIO_MANAGE_CONNECTIONS";
  /** The dashboard's buttons; the text box understands the same words. */
  static final List<String> SUGGESTIONS = List.of("Summarize my emails from today", "List my open GitHub issues",
      "Search the web with Exa", "Done");
  private static final int MAX_TURNS = 30;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> NAMES = Map.of("gmail", "Gmail", "github", "GitHub", "exa", "Exa");

  /** Who said a turn. */
  enum Speaker { USER, AGENT, TOOL }

  /**
   * One line of the transcript.
   *
   * @param speaker who said it
   * @param text what was said
   * @param link a Connect Link to show, if any
   */
  record Turn(Speaker speaker, String text, Optional<URI> link) {}

  private final Session session;
  private final List<Turn> turns = new ArrayList<>();
  private final Set<String> waitingFor = new LinkedHashSet<>();
  private String lastAnswer = "";

  ChatAgent(Session session) {
    this.session = session;
    greet();
  }

  synchronized List<Turn> transcript() {
    return List.copyOf(turns);
  }

  /** The meta-tool's last answer, pretty-printed: what the model reads. Empty before the first call. */
  synchronized String lastToolAnswer() {
    return lastAnswer;
  }

  synchronized void reset() {
    turns.clear();
    waitingFor.clear();
    lastAnswer = "";
    greet();
  }

  synchronized void hear(String message) {
    String said = message.strip();
    if (said.isEmpty()) {
      return;
    }
    said = said.length() > 300 ? said.substring(0, 300) + "…" : said;
    add(Speaker.USER, said, null);
    String words = said.toLowerCase(Locale.ROOT);
    if (words.matches("(i'?m |i am |all )?(done|finished|signed in|connected)[.!]*")) {
      if (waitingFor.isEmpty()) {
        add(Speaker.AGENT, "I'm not waiting for any connection. What would you like to do?", null);
      } else {
        check(List.copyOf(waitingFor));
      }
      return;
    }
    String toolkit = words.matches(".*\\b(e-?mails?|g?mail|inbox)\\b.*") ? "gmail"
        : words.matches(".*\\b(github|issues?|repos?|pull requests?)\\b.*") ? "github"
        : words.matches(".*\\b(exa|search|web)\\b.*") ? "exa" : null;
    if (toolkit == null) {
      add(Speaker.AGENT, "Here I can work with Gmail, GitHub and Exa: try one of the suggestions.", null);
      return;
    }
    check(List.of(toolkit));
  }

  private void check(List<String> toolkits) {
    ObjectNode arguments = JSON.createObjectNode();
    toolkits.forEach(arguments.putArray("toolkits")::add);
    arguments.put("session_id", session.id());
    add(Speaker.TOOL, TOOL + " " + arguments, null);
    JsonNode answer;
    try {
      answer = JSON.readTree(session.execute(TOOL, arguments.toString()));
      lastAnswer = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException("The meta-tool answered something that is not JSON", e);
    }
    if (!answer.path("successful").asBoolean(false)) {
      add(Speaker.AGENT, "The connection tool refused the call: " + answer.path("error").asText("no reason given"), null);
      return;
    }
    for (String slug : toolkits) {
      JsonNode result = answer.at("/data/results/" + slug);
      String name = NAMES.getOrDefault(slug, slug);
      switch (result.path("status").asText()) {
        case "active" -> {
          waitingFor.remove(slug);
          add(Speaker.AGENT, name + " is connected (" + result.path("connected_account_id").asText() + "). This "
              + "sandbox has no real " + name + " data; with a real client, the answer would be here.", null);
        }
        case "initiated" -> {
          boolean again = !waitingFor.add(slug);
          add(Speaker.AGENT, (again ? "I still don't see an active " + name + " connection. Open the link, finish, "
              : "I need you to connect your " + name + " account first. Open the link, ") + "then say Done:",
              URI.create(result.path("redirect_url").asText()));
        }
        default -> {
          waitingFor.remove(slug);
          add(Speaker.AGENT, "I can't connect " + name + ": " + result.path("error_message").asText("it failed"), null);
        }
      }
    }
  }

  private void greet() {
    add(Speaker.AGENT, "Hi! I'm a scripted agent with Tether's meta-tool. Ask me about your email, your GitHub "
        + "issues or a web search.", null);
  }

  private void add(Speaker speaker, String text, URI link) {
    turns.add(new Turn(speaker, text, Optional.ofNullable(link)));
    while (turns.size() > MAX_TURNS) {
      turns.remove(0);
    }
  }
}

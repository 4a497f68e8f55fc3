package dev.tether.examples.walkthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.Session;
import java.io.IOException;
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
 * The dashboard's chat: an "agent" with no model that plays the in-chat flow of the hosted
 * product's docs against the real engine. The user asks for something, the agent calls
 * {@code COMPOSIO_MANAGE_CONNECTIONS}, shows the Connect Link, and after the user says "Done" calls
 * it again and answers. Thread-safe: every method is synchronized.
 */
final class ScriptedAgent {
  static final String TOOL = "COMPOSIO_MANAGE_CONNECTIONS";
  /** What the dashboard's buttons say; the text box understands the same words. */
  static final List<String> CANNED = List.of("Summarize my emails from today", "List my open GitHub issues",
      "Search the web for Tether with Exa", "Done");
  private static final int MAX_TURNS = 40;
  private static final int MAX_MESSAGE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who said a turn. */
  enum Speaker { USER, AGENT, TOOL }

  /**
   * One line of the transcript.
   *
   * @param link a Connect Link the agent shows, if any
   */
  record Turn(Speaker speaker, String text, Optional<URI> link) {}

  /** What a toolkit is good for in this chat. */
  private record Task(String toolkit, String done) {}

  private static final Map<String, Task> TASKS = Map.of(
      "gmail", new Task("gmail", "I can read your Gmail now. The sandbox has no mailbox, so there is nothing to "
          + "summarise; with a real Google client, today's summary would be here."),
      "github", new Task("github", "I can use GitHub as you now. The sandbox has no repositories; with a real "
          + "GitHub client, your open issues would be listed here."),
      "exa", new Task("exa", "I can search the web with your Exa key now. The sandbox makes no network call; "
          + "with a real key, the results would be here."));

  private final Session session;
  private final Map<String, String> names;
  private final List<Turn> turns = new ArrayList<>();
  private final Set<String> waitingFor = new LinkedHashSet<>();
  private String lastAnswer = "";
  private String sessionId;

  ScriptedAgent(Session session, Map<String, String> names) {
    this.session = session;
    this.names = Map.copyOf(names);
    greet();
  }

  synchronized List<Turn> transcript() {
    return List.copyOf(turns);
  }

  /** The last meta-tool answer, pretty-printed: the JSON the agent saw. Empty before the first call. */
  synchronized String lastToolAnswer() {
    return lastAnswer;
  }

  synchronized void reset() {
    turns.clear();
    waitingFor.clear();
    lastAnswer = "";
    sessionId = null;
    greet();
  }

  /** The user says {@code message}; the agent answers, calling the meta-tool when it needs a toolkit. */
  synchronized void hear(String message) {
    String said = message.strip();
    if (said.isEmpty()) {
      return;
    }
    if (said.length() > MAX_MESSAGE) {
      said = said.substring(0, MAX_MESSAGE) + "…";
    }
    add(Speaker.USER, said, null);
    String words = said.toLowerCase(Locale.ROOT);
    if (words.matches("(i'?m |i am |all )?(done|finished|signed in|connected)[.!]*")) {
      if (waitingFor.isEmpty()) {
        add(Speaker.AGENT, "Thanks! I'm not waiting for any connection. What would you like to do?", null);
      } else {
        check(List.copyOf(waitingFor));
      }
      return;
    }
    Optional<String> toolkit = toolkitFor(words);
    if (toolkit.isEmpty()) {
      add(Speaker.AGENT, "In this sandbox I can work with Gmail, GitHub and Exa. Try one of the buttons below.", null);
      return;
    }
    check(List.of(toolkit.get()));
  }

  private void check(List<String> toolkits) {
    ObjectNode arguments = JSON.createObjectNode();
    toolkits.forEach(arguments.putArray("toolkits")::add);
    if (sessionId != null) {
      arguments.put("session_id", sessionId);
    }
    add(Speaker.TOOL, TOOL + " " + arguments, null);
    JsonNode answer = read(session.execute(TOOL, arguments.toString()));
    sessionId = answer.at("/data/session/id").asText(sessionId);
    if (!answer.path("successful").asBoolean(false)) {
      add(Speaker.AGENT, "The connection tool refused the call: " + answer.path("error").asText("no reason given"), null);
      return;
    }
    for (String slug : toolkits) {
      JsonNode result = answer.at("/data/results/" + slug);
      String name = names.getOrDefault(slug, slug);
      String status = result.path("status").asText();
      if (status.equals("active")) {
        waitingFor.remove(slug);
        add(Speaker.AGENT, name + " is connected (" + result.path("connected_account_id").asText("no account needed")
            + "). " + TASKS.get(slug).done(), null);
      } else if (status.equals("initiated")) {
        boolean again = !waitingFor.add(slug);
        URI link = URI.create(result.path("redirect_url").asText());
        add(Speaker.AGENT, again
            ? "I still don't see an active " + name + " connection. Open the link, finish signing in, then say Done:"
            : "I need you to connect your " + name + " account first. Please click here to authorize, then say Done:",
            link);
      } else {
        waitingFor.remove(slug);
        add(Speaker.AGENT, "I can't connect " + name + ": " + result.path("error_message").asText("it failed") , null);
      }
    }
  }

  private static Optional<String> toolkitFor(String words) {
    if (words.matches(".*\\b(e-?mails?|g?mail|inbox)\\b.*")) {
      return Optional.of("gmail");
    }
    if (words.matches(".*\\b(github|issues?|repos?|repositor(y|ies)|pull requests?)\\b.*")) {
      return Optional.of("github");
    }
    if (words.matches(".*\\b(exa|search|web)\\b.*")) {
      return Optional.of("exa");
    }
    return Optional.empty();
  }

  private JsonNode read(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      lastAnswer = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("The meta-tool answered something that is not JSON", e);
    }
  }

  private void greet() {
    add(Speaker.AGENT, "Hi! I'm a scripted agent with Tether's meta-tool. Ask me about your email, GitHub issues "
        + "or a web search.", null);
  }

  private void add(Speaker speaker, String text, URI link) {
    turns.add(new Turn(speaker, text, Optional.ofNullable(link)));
    while (turns.size() > MAX_TURNS) {
      turns.remove(0);
    }
  }
}

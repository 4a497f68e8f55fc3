package dev.tether.core;

import dev.tether.spi.ToolkitDescriptor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds toolkits for a use case ("send an email", "open an issue"), lexically and
 * deterministically: the words of the use case, lightly stemmed and expanded with a small table of
 * synonyms, scored against each toolkit's slug, name, categories and description. No model, no
 * download, the same answer every time. Thread-safe: immutable.
 */
final class ToolkitSearch {
  /** Words that say nothing about which app is meant. */
  private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "to", "my", "me", "i", "for", "in",
      "of", "on", "and", "or", "with", "from", "please", "some", "all", "can", "you", "want", "need", "would",
      "like", "it", "its", "this", "that", "these", "those", "is", "are", "be", "at", "by", "about", "into",
      "our", "we", "us", "your", "their", "them", "do", "get", "make", "new", "up", "out", "via", "using", "use",
      "app", "account", "help", "let", "let's", "should", "could", "will", "what", "which", "who", "how");

  /** A word (stemmed) → the terms it also means, as categories or description words. */
  private static final Map<String, List<String>> SYNONYMS = synonyms();

  private static final int IN_NAME = 12;
  private static final int IN_CATEGORY = 8;
  private static final int SYNONYM_IN_CATEGORY = 6;
  private static final int IN_DESCRIPTION = 3;
  private static final int SYNONYM_IN_DESCRIPTION = 1;

  private ToolkitSearch() {}

  /** A toolkit and how well it matches. */
  record Match(ToolkitDescriptor toolkit, int score) {}

  /**
   * The toolkits matching {@code useCase}, best first (ties by slug), at most {@code limit}.
   *
   * @return only toolkits that match at all
   */
  static List<Match> search(Iterable<ToolkitDescriptor> toolkits, String useCase, int limit) {
    List<String> words = words(useCase);
    List<Match> out = new ArrayList<>();
    if (words.isEmpty()) {
      return out;
    }
    for (ToolkitDescriptor d : toolkits) {
      int score = score(d, words);
      if (score > 0) {
        out.add(new Match(d, score));
      }
    }
    out.sort(Comparator.comparingInt(Match::score).reversed().thenComparing(m -> m.toolkit().slug()));
    return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  private static int score(ToolkitDescriptor d, List<String> words) {
    Set<String> name = new LinkedHashSet<>(words(d.slug().replace('_', ' ') + " " + d.name()));
    name.add(stem(d.slug()));
    Set<String> categories = new LinkedHashSet<>();
    for (String c : d.categories()) {
      categories.addAll(words(c.replace('_', ' ')));
    }
    Set<String> description = new LinkedHashSet<>(words(d.description()));
    int score = 0;
    for (String w : words) {
      int best = 0;
      if (name.contains(w)) {
        best = IN_NAME;
      } else if (categories.contains(w)) {
        best = IN_CATEGORY;
      } else if (description.contains(w)) {
        best = IN_DESCRIPTION;
      }
      for (String s : SYNONYMS.getOrDefault(w, List.of())) {
        if (categories.contains(s) || name.contains(s)) {
          best = Math.max(best, SYNONYM_IN_CATEGORY);
        } else if (description.contains(s)) {
          best = Math.max(best, SYNONYM_IN_DESCRIPTION);
        }
      }
      score += best;
    }
    return score;
  }

  /** Lower-case, stemmed words of {@code text}, stop words dropped, first-seen order. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (raw.isEmpty() || STOP_WORDS.contains(raw)) {
        continue;
      }
      String w = stem(raw);
      if (!w.isEmpty() && !out.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /** A light stemmer: plurals and common verb endings, enough for "emails", "issues", "scheduling". */
  static String stem(String w) {
    if (w.length() > 4 && w.endsWith("ies")) {
      return w.substring(0, w.length() - 3) + "y";
    }
    if (w.length() > 5 && w.endsWith("ing")) {
      return w.substring(0, w.length() - 3);
    }
    if (w.length() > 4 && w.endsWith("ed")) {
      return w.substring(0, w.length() - 2);
    }
    if (w.length() > 4 && (w.endsWith("sses") || w.endsWith("shes") || w.endsWith("ches"))) {
      return w.substring(0, w.length() - 2);
    }
    if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) {
      return w.substring(0, w.length() - 1);
    }
    return w;
  }

  private static Map<String, List<String>> synonyms() {
    Map<String, List<String>> m = new HashMap<>();
    group(m, List.of("email"), "email", "mail", "inbox", "gmail", "e", "reply", "forward", "newsletter", "unread");
    group(m, List.of("email", "chat"), "send", "message", "dm");
    group(m, List.of("chat"), "chat", "channel", "slack", "team", "teams", "notify", "notification", "ping");
    group(m, List.of("code", "issue"), "issue", "bug", "pull", "pr", "repo", "repository", "commit", "branch",
        "merge", "code", "github", "gitlab", "ci");
    group(m, List.of("project", "task"), "ticket", "task", "todo", "sprint", "board", "project", "backlog",
        "kanban", "card", "assign");
    group(m, List.of("calendar"), "calendar", "meeting", "event", "schedule", "appointment", "invite",
        "availability", "booking", "book", "slot");
    group(m, List.of("docs", "notes"), "doc", "document", "note", "page", "wiki", "write", "knowledge");
    group(m, List.of("spreadsheet"), "spreadsheet", "sheet", "excel", "row", "cell", "table");
    group(m, List.of("storage", "file"), "file", "drive", "storage", "upload", "folder", "share", "pdf",
        "attachment", "backup");
    group(m, List.of("search", "web"), "search", "web", "internet", "research", "lookup", "google", "find",
        "news", "online", "serp");
    group(m, List.of("scraping", "web"), "scrape", "crawl", "extract", "website", "url");
    group(m, List.of("crm", "sales"), "crm", "lead", "deal", "contact", "customer", "sales", "pipeline",
        "opportunity", "prospect");
    group(m, List.of("support"), "support", "helpdesk", "help", "complaint");
    group(m, List.of("video"), "video", "call", "zoom", "webinar", "conference");
    group(m, List.of("music"), "music", "song", "playlist", "track", "album", "listen");
    group(m, List.of("social"), "tweet", "post", "social", "follower", "thread", "subreddit", "reddit",
        "community", "forum");
    group(m, List.of("design"), "design", "mockup", "prototype", "figma", "wireframe");
    group(m, List.of("ai"), "ai", "llm", "gpt", "model", "embedding", "completion", "prompt");
    group(m, List.of("database"), "base", "record", "database", "airtable");
    return Map.copyOf(m);
  }

  private static void group(Map<String, List<String>> m, List<String> means, String... words) {
    for (String w : words) {
      List<String> terms = new ArrayList<>(m.getOrDefault(stem(w), List.of()));
      for (String t : means) {
        if (!terms.contains(stem(t))) {
          terms.add(stem(t));
        }
      }
      m.put(stem(w), List.copyOf(terms));
    }
  }
}

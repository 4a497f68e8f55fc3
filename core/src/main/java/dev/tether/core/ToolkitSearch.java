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
 *
 * <p>Each word of the use case scores its strongest match — the toolkit's slug or name, one of its
 * categories, or a synonym of the word that is one of those — plus a little when the description
 * uses the word too, so among toolkits of one kind the one whose description names the thing
 * asked for comes first. Ties go to the smaller slug. The weights and the synonym table are tuned
 * against a table of realistic use cases in the tests ({@code toolkit-search-cases.csv}).
 */
final class ToolkitSearch {
  /** Words that say nothing about which app is meant, including verbs every kind of app has. */
  private static final Set<String> STOP_WORDS = Set.of("a", "an", "the", "to", "my", "me", "i", "for", "in",
      "of", "on", "and", "or", "with", "from", "please", "some", "all", "any", "can", "you", "want", "need",
      "would", "like", "it", "its", "this", "that", "these", "those", "is", "are", "was", "were", "be", "been", "am",
      "has", "have", "had", "at", "by", "about", "into", "our", "we", "us", "your", "their", "them", "do", "does",
      "get", "make", "new", "up", "out", "via", "using", "use", "app", "account", "help", "let", "should",
      "could", "will", "what", "which", "who", "how", "why", "when", "where", "there", "here", "one", "not", "just",
      "so", "if", "then", "than", "as", "also", "too", "very", "much", "many", "more", "most", "other", "still",
      "find", "show", "list", "check", "see", "look", "give", "tell", "go", "put", "create", "add", "update",
      "edit", "read", "open", "set", "keep", "manage", "start", "take", "left");

  /** A word (stemmed) → the categories (or, rarely, a name word) it also means, stemmed. */
  private static final Map<String, List<String>> SYNONYMS = table();

  /** The query word is the toolkit's slug or its one-word name ("gmail", "jira"). */
  private static final int IS_NAME = 12;
  /** The query word is one word of a longer name ("calendar" of "Google Calendar"). */
  private static final int IN_NAME = 9;
  private static final int IN_CATEGORY = 8;
  /** A synonym of the query word is a word of the toolkit's name ("tweet" → X (Twitter)). */
  private static final int SYNONYM_IN_NAME = 7;
  private static final int SYNONYM_IN_CATEGORY = 6;
  /** Added when the description uses the word itself; alone when nothing stronger matched. */
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
    Set<String> whole = new LinkedHashSet<>();
    whole.add(stem(d.slug()));
    whole.add(stem(d.slug().replace("_", "")));
    List<String> nameWords = words(d.name());
    if (nameWords.size() == 1) {
      whole.add(nameWords.get(0));
    }
    Set<String> name = new LinkedHashSet<>(nameWords);
    name.addAll(words(d.slug().replace('_', ' ')));
    Set<String> categories = new LinkedHashSet<>();
    for (String c : d.categories()) {
      categories.addAll(words(c.replace('_', ' ')));
    }
    Set<String> description = new LinkedHashSet<>(words(d.description()));
    int score = 0;
    for (String w : words) {
      int strong = 0;
      if (whole.contains(w)) {
        strong = IS_NAME;
      } else if (name.contains(w)) {
        strong = IN_NAME;
      } else if (categories.contains(w)) {
        strong = IN_CATEGORY;
      }
      int weak = description.contains(w) ? IN_DESCRIPTION : 0;
      for (String s : SYNONYMS.getOrDefault(w, List.of())) {
        if (name.contains(s)) {
          strong = Math.max(strong, SYNONYM_IN_NAME);
        } else if (categories.contains(s)) {
          strong = Math.max(strong, SYNONYM_IN_CATEGORY);
        } else if (description.contains(s)) {
          weak = Math.max(weak, SYNONYM_IN_DESCRIPTION);
        }
      }
      score += strong + weak;
    }
    return score;
  }

  /** Lower-case, stemmed words of {@code text}, stop words and single letters dropped, first-seen order. */
  static List<String> words(String text) {
    List<String> out = new ArrayList<>();
    for (String raw : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
      if (raw.length() < 2 || STOP_WORDS.contains(raw)) {
        continue;
      }
      String w = stem(raw);
      if (!out.contains(w)) {
        out.add(w);
      }
    }
    return out;
  }

  /**
   * A light stemmer: plurals, common verb endings and a final "e", so that "emails", "replied",
   * "scheduling", "scheduled" and "schedule" meet. Only ever applied to both sides of a match.
   */
  static String stem(String w) {
    String s = w;
    if (s.length() > 4 && (s.endsWith("ies") || s.endsWith("ied"))) {
      return s.substring(0, s.length() - 3) + "y";
    }
    if (s.length() > 4 && (s.endsWith("sses") || s.endsWith("shes") || s.endsWith("ches") || s.endsWith("xes"))) {
      s = s.substring(0, s.length() - 2);
    } else if (s.length() > 3 && s.endsWith("s") && !s.endsWith("ss") && !s.endsWith("us") && !s.endsWith("sis")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.length() > 5 && s.endsWith("ing")) {
      s = undouble(s.substring(0, s.length() - 3));
    } else if (s.length() > 4 && s.endsWith("ed") && !s.endsWith("eed")) {
      s = undouble(s.substring(0, s.length() - 2));
    }
    if (s.length() > 3 && s.endsWith("e")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  /** "chatt" → "chat", "plann" → "plan"; keeps "ll", "ss" and "zz" ("call", "pass"). */
  private static String undouble(String s) {
    int n = s.length();
    if (n > 2 && s.charAt(n - 1) == s.charAt(n - 2) && "lsz".indexOf(s.charAt(n - 1)) < 0
        && "aeiou".indexOf(s.charAt(n - 1)) < 0) {
      return s.substring(0, n - 1);
    }
    return s;
  }

  /** The synonym table: a stemmed word → the stemmed categories (or name words) it also means. */
  static Map<String, List<String>> synonyms() {
    return SYNONYMS;
  }

  private static Map<String, List<String>> table() {
    Map<String, List<String>> m = new HashMap<>();
    group(m, List.of("email"), "email", "mail", "inbox", "mailbox", "unread", "reply", "forward", "cc",
        "newsletter", "attachment");
    group(m, List.of("email", "chat"), "send", "message");
    group(m, List.of("chat"), "chat", "channel", "dm", "ping", "notify", "notification", "announce", "server",
        "team", "colleague");
    group(m, List.of("code", "issues"), "bug", "repo", "repository", "commit", "branch", "merge", "pull", "pr",
        "code", "ci", "pipeline", "release", "deploy");
    group(m, List.of("issues", "project"), "issue", "sprint", "backlog", "story", "epic");
    group(m, List.of("issues", "project", "support"), "ticket");
    group(m, List.of("tasks", "project"), "task", "todo", "board", "card", "kanban", "checklist", "assign",
        "due", "roadmap", "milestone");
    group(m, List.of("calendar"), "calendar", "event", "schedule", "reschedule", "appointment", "invite",
        "availability", "available", "agenda", "busy", "booking", "book", "slot", "tomorrow", "today", "tonight",
        "rsvp", "attendee", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday");
    group(m, List.of("calendar", "video"), "meeting");
    group(m, List.of("docs"), "doc", "document", "write", "draft", "proposal", "report");
    group(m, List.of("notes"), "note", "jot", "journal", "memo");
    group(m, List.of("wiki", "docs"), "wiki", "page", "knowledge", "documentation", "handbook", "runbook",
        "onboarding");
    group(m, List.of("spreadsheet"), "spreadsheet", "sheet", "excel", "row", "cell", "column", "formula",
        "budget");
    group(m, List.of("storage"), "file", "drive", "storage", "upload", "download", "folder", "share", "pdf",
        "backup", "photo", "contract", "deck", "slide", "presentation");
    group(m, List.of("search", "web"), "search", "web", "internet", "lookup", "google", "serp", "result",
        "online");
    group(m, List.of("search"), "research");
    group(m, List.of("news"), "news", "headline", "article");
    group(m, List.of("scraping", "web"), "scrape", "crawl", "extract", "website", "site", "url", "markdown");
    group(m, List.of("crm", "sales"), "crm", "lead", "deal", "contact", "customer", "sales", "opportunity",
        "prospect", "client");
    group(m, List.of("support"), "support", "helpdesk", "complaint", "requester", "refund");
    group(m, List.of("video"), "video", "call", "webinar", "conference");
    group(m, List.of("music"), "music", "song", "playlist", "album", "listen", "play", "playback", "podcast",
        "artist");
    group(m, List.of("social"), "social", "follower", "subreddit", "community", "forum", "timeline");
    group(m, List.of("social", "twitter"), "tweet", "retweet");
    group(m, List.of("social", "chat"), "post");
    group(m, List.of("design"), "design", "mockup", "prototype", "wireframe", "logo", "frame", "component");
    group(m, List.of("ai"), "ai", "llm", "gpt", "model", "embedding", "completion", "prompt", "generate",
        "summarize", "summarise", "transcribe", "translate");
    group(m, List.of("database"), "base", "database", "table");
    group(m, List.of("forms"), "form", "survey", "signup", "submission", "response");
    group(m, List.of("marketing"), "campaign", "marketing", "audience");
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

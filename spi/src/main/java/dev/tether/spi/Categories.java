package dev.tether.spi;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The vocabulary of toolkit {@linkplain ToolkitDescriptor#categories() categories}: a small, fixed
 * set of lower-case words that say what kind of app a toolkit is, so an agent's use case ("send an
 * email", "open an issue") finds it. Every bundled toolkit uses only these words; a custom provider
 * should too (the descriptor accepts any well-formed word, but the engine's search knows these).
 *
 * <ul>
 *   <li>{@code ai} — AI models: text generation, chat completions, embeddings, images;
 *   <li>{@code calendar} — events, meetings, availability and bookings;
 *   <li>{@code chat} — messages in team or community channels and direct messages;
 *   <li>{@code code} — source repositories: commits, branches, pull or merge requests, CI;
 *   <li>{@code crm} — records about customers: contacts, companies, deals;
 *   <li>{@code database} — structured records in tables;
 *   <li>{@code design} — design files, prototypes and components;
 *   <li>{@code docs} — documents and pages people write and share;
 *   <li>{@code email} — a mailbox: read, send, reply, organise mail;
 *   <li>{@code forms} — forms and the responses people submit;
 *   <li>{@code issues} — issue and bug trackers;
 *   <li>{@code marketing} — campaigns, marketing email and audiences;
 *   <li>{@code music} — songs, albums, playlists and playback;
 *   <li>{@code news} — news articles and headlines;
 *   <li>{@code notes} — personal or team notes;
 *   <li>{@code project} — projects, boards, roadmaps and sprints;
 *   <li>{@code sales} — sales pipelines, leads and opportunities;
 *   <li>{@code scraping} — extracting content from web pages, crawling sites;
 *   <li>{@code search} — web search engines and their results;
 *   <li>{@code social} — public social networks: posts, comments, followers;
 *   <li>{@code spreadsheet} — spreadsheets: sheets, rows, cells, formulas;
 *   <li>{@code storage} — files and folders in cloud storage;
 *   <li>{@code support} — customer support tickets and help desks;
 *   <li>{@code tasks} — to-dos: assignments, due dates, checklists;
 *   <li>{@code video} — video calls, meetings, webinars and recordings;
 *   <li>{@code web} — the public web: sites and pages;
 *   <li>{@code wiki} — shared knowledge bases and team documentation.
 * </ul>
 *
 * <p>Thread-safe: stateless.
 */
public final class Categories {
  private static final Set<String> KNOWN = Collections.unmodifiableSortedSet(new TreeSet<>(Set.of("ai", "calendar", "chat", "code", "crm",
      "database", "design", "docs", "email", "forms", "issues", "marketing", "music", "news", "notes", "project",
      "sales", "scraping", "search", "social", "spreadsheet", "storage", "support", "tasks", "video", "web",
      "wiki")));

  private Categories() {}

  /**
   * The vocabulary.
   *
   * @return an unmodifiable set of the category words listed above, in alphabetical order
   */
  public static Set<String> known() {
    return KNOWN;
  }

  /**
   * Whether {@code category} is a word of the vocabulary.
   *
   * @param category the word to check, as is (no normalisation); may be null
   * @return true for one of the words listed above; false for null
   */
  public static boolean isKnown(String category) {
    return category != null && KNOWN.contains(category);
  }
}

package dev.tether.testkit;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * jqwik arbitraries for connection rules: toolkit slugs and the messy ways users and LLMs spell
 * them, user ids, meta-tool toolkit lists and callback URLs with their own query. Stateless.
 */
public final class ConnectionArbitraries {
  private ConnectionArbitraries() {}

  /**
   * Well-formed toolkit slugs: lower case, digits and '_', 1 to 20 characters.
   *
   * @return slugs that start with a letter and pass {@code Slugs.isValid}
   */
  public static Arbitrary<String> toolkitSlugs() {
    return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_").ofMinLength(1).ofMaxLength(20)
        .filter(s -> Character.isLetter(s.charAt(0)));
  }

  /**
   * How {@code slug} may arrive from a user or an LLM: any letter case, surrounded by blanks.
   *
   * @param slug a well-formed slug; not null
   * @return spellings that {@code Slugs.normalize} turns back into {@code slug} (only the first
   *     20 characters vary in case)
   */
  public static Arbitrary<String> spellingsOf(String slug) {
    Objects.requireNonNull(slug, "slug");
    Arbitrary<String> cased = Arbitraries.integers().between(0, (1 << Math.min(slug.length(), 20)) - 1)
        .map(mask -> {
          StringBuilder sb = new StringBuilder(slug.length());
          for (int i = 0; i < slug.length(); i++) {
            char c = slug.charAt(i);
            sb.append(i < 20 && (mask & (1 << i)) != 0 ? Character.toUpperCase(c) : c);
          }
          return sb.toString();
        });
    Arbitrary<String> blanks = Arbitraries.of("", " ", "  ", "\t", "\n ");
    return Combinators.combine(blanks, cased, blanks).as((l, s, r) -> l + s + r);
  }

  /**
   * Strings that are not slugs of any toolkit: blanks inside, unicode, punctuation, very long.
   *
   * @return non-blank strings, most of which are not well-formed slugs even after normalising
   *     (random ones may be: filter with {@code Slugs.isValid} where that matters)
   */
  public static Arbitrary<String> junkSlugs() {
    return Arbitraries.oneOf(
        Arbitraries.of("gmail pro", "g-mail", "gmaıl", "gmail!", "😀", "toolkit/../etc", "<script>"),
        Arbitraries.strings().ofMinLength(65).ofMaxLength(200).alpha(),
        Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30).filter(s -> !s.isBlank()));
  }

  /**
   * End-user ids: short opaque strings.
   *
   * @return 1 to 40 characters of letters, digits and {@code _-@.}
   */
  public static Arbitrary<String> userIds() {
    return Arbitraries.strings().alpha().numeric().withChars('_', '-', '@', '.').ofMinLength(1).ofMaxLength(40);
  }

  /**
   * A meta-tool {@code toolkits} list of 1 to {@code 50} entries: known slugs in any spelling
   * (duplicates likely) mixed with unknown ones.
   *
   * @param knownSlugs the slugs the engine under test serves; not empty
   * @return lists in which about four entries in five are spellings of known slugs
   * @throws IllegalArgumentException if {@code knownSlugs} is empty
   */
  public static Arbitrary<List<String>> toolkitRequests(List<String> knownSlugs) {
    if (knownSlugs.isEmpty()) {
      throw new IllegalArgumentException("toolkitRequests needs at least one known slug");
    }
    Arbitrary<String> known = Arbitraries.of(knownSlugs).flatMap(ConnectionArbitraries::spellingsOf);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, known),
        net.jqwik.api.Tuple.of(1, toolkitSlugs()))
        .list().ofMinSize(1).ofMaxSize(50);
  }

  /** The origins of {@link #callbackUrls()}: allow them with {@code Tether.builder().allowedCallbackOrigins(...)}. */
  public static final List<String> CALLBACK_ORIGINS =
      List.of("https://your-app.com", "https://app.example.org", "https://localhost:8443");

  /**
   * Absolute https callback URLs on the {@link #CALLBACK_ORIGINS} with a path and their own query
   * (which must survive redirects), never with the {@code status} or {@code connected_account_id}
   * parameters the engine appends.
   *
   * @return URLs on those origins, with up to three path segments and up to four query parameters
   */
  public static Arbitrary<URI> callbackUrls() {
    Arbitrary<String> host = Arbitraries.of(CALLBACK_ORIGINS).map(o -> o.substring("https://".length()));
    Arbitrary<String> path = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10)
        .list().ofMaxSize(3).map(parts -> "/" + String.join("/", parts));
    Arbitrary<String> pair = Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8).filter(k -> !k.equals("status")),
            Arbitraries.strings().alpha().numeric().withChars('-', '.', '_', '~').ofMaxLength(12))
        .as((k, v) -> k + "=" + v);
    Arbitrary<String> query = pair.list().ofMaxSize(4).map(pairs -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
    return Combinators.combine(host, path, query).as((h, p, q) -> URI.create("https://" + h + p + q));
  }
}

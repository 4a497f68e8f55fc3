package dev.tether.core;

import java.util.Arrays;

/**
 * Constant pieces of the meta-tools' JSON, escaped (and, for members, checked) once when built,
 * so that {@link JsonText} writes each with one copy: member names, runs of constant members, and
 * sentences around one variable part. All immutable.
 */
final class JsonConstants {
  private JsonConstants() {}

  /** A member name, quoted and escaped once: {@code "name":}. Immutable. */
  static final class Key {
    private final char[] quoted;

    private Key(char[] quoted) {
      this.quoted = quoted;
    }

    static Key of(String name) {
      return new Key(JsonText.constant(name, true));
    }

    /**
     * The constant {@code members} and then the name, written as one: {@code "a":1,"name":}. For
     * members that always come just before this key.
     */
    static Key of(Members members, String name) {
      char[] key = JsonText.constant(name, true);
      char[] both = Arrays.copyOf(members.text, members.text.length + 1 + key.length);
      both[members.text.length] = ',';
      System.arraycopy(key, 0, both, members.text.length + 1, key.length);
      return new Key(both);
    }

    char[] quoted() {
      return quoted;
    }
  }

  /**
   * Constant text around one variable part, e.g. {@code Pass session_id "…" on}: escaped once, so
   * writing it scans only the variable part. Immutable.
   */
  static final class Sentence {
    private final String before;
    private final String after;
    private final char[] head;
    private final char[] tail;

    private Sentence(String before, String after) {
      this.before = before;
      this.after = after;
      this.head = JsonText.constant(before, false);
      this.tail = JsonText.constant(after, false);
    }

    /** The sentence {@code before + value + after}. */
    static Sentence of(String before, String after) {
      return new Sentence(before, after);
    }

    /** The plain text with {@code value} in its place. */
    String with(String value) {
      return before + value + after;
    }

    char[] head() {
      return head;
    }

    char[] tail() {
      return tail;
    }
  }

  /** Constant members, checked once: {@code "a":1,"b":"x"}. Immutable. */
  static final class Members {
    private final char[] text;

    private Members(String text) {
      this.text = text.toCharArray();
    }

    /** Members as JSON text, e.g. {@code "status":"active"}; refused unless it parses as members. */
    static Members of(String text) {
      String problem = MetaToolJson.readObject("{" + text + "}", "{}", (name, value, p) -> false);
      if (problem != null || text.isBlank()) {
        throw new IllegalArgumentException("Not JSON object members: " + text + " (" + problem + ")");
      }
      return new Members(text);
    }

    char[] text() {
      return text;
    }
  }
}

package dev.tether.core;

import java.time.Instant;

/**
 * Writes JSON text straight into a {@code StringBuilder}: the meta-tools' answers are small, flat
 * and mostly known-safe ASCII (slugs, ids, timestamps), so a generator's buffering and per-character
 * checks would be most of their cost. Strings are escaped as RFC 8259 requires ({@code "}, {@code \},
 * control characters); everything else is written as is. Not thread-safe: one per answer.
 */
final class JsonText {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;
  /** Whether the next member of the current object needs a comma before it. */
  private boolean comma;

  JsonText(int expectedLength) {
    this.out = new StringBuilder(expectedLength);
  }

  JsonText begin() {
    out.append('{');
    comma = false;
    return this;
  }

  JsonText beginObject(String name) {
    name(name);
    out.append('{');
    comma = false;
    return this;
  }

  /** A member whose value is an array. */
  JsonText beginArrayField(String name) {
    name(name);
    out.append('[');
    comma = false;
    return this;
  }

  /** An object element of the current array. */
  JsonText beginElement() {
    if (comma) {
      out.append(',');
    }
    out.append('{');
    comma = false;
    return this;
  }

  /** A string element of the current array. */
  JsonText element(String value) {
    if (comma) {
      out.append(',');
    }
    string(value);
    comma = true;
    return this;
  }

  JsonText endArray() {
    out.append(']');
    comma = true;
    return this;
  }

  JsonText end() {
    out.append('}');
    comma = true;
    return this;
  }

  JsonText field(String name, String value) {
    name(name);
    string(value);
    return this;
  }

  /** A member whose name was quoted once, up front (the hot answers' names are constants). */
  JsonText field(Key name, String value) {
    key(name);
    string(value);
    return this;
  }

  /** A member whose value is an instant in ISO-8601, written straight into the text. */
  JsonText field(Key name, Instant value) {
    key(name);
    out.append('"');
    Iso8601.appendTo(out, value);
    out.append('"');
    return this;
  }

  /**
   * Members written once as constant text, e.g. {@code "status":"active","flag":true}: the caller
   * vouches that it is well-formed JSON members.
   */
  JsonText members(Members text) {
    if (comma) {
      out.append(',');
    }
    out.append(text.text);
    comma = true;
    return this;
  }

  JsonText field(String name, int value) {
    name(name);
    out.append(value);
    return this;
  }

  JsonText field(String name, boolean value) {
    name(name);
    out.append(value);
    return this;
  }

  JsonText nullField(String name) {
    name(name);
    out.append("null");
    return this;
  }

  private void key(Key name) {
    if (comma) {
      out.append(',');
    }
    out.append(name.quoted);
    comma = true;
  }

  private void name(String name) {
    if (comma) {
      out.append(',');
    }
    string(name);
    out.append(':');
    comma = true;
  }

  private void string(String s) {
    int n = s.length();
    int first = 0;
    while (first < n && plain(s.charAt(first))) {
      first++;
    }
    out.append('"');
    if (first == n) {
      // The common case: one bulk copy (appending a range of a String copies char by char).
      out.append(s).append('"');
      return;
    }
    out.append(s, 0, first);
    int clean = first;
    for (int i = first; i < n; i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        continue;
      }
      out.append(s, clean, i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
      clean = i + 1;
    }
    out.append(s, clean, n).append('"');
  }

  /** Whether {@code c} goes into a JSON string as is. */
  private static boolean plain(char c) {
    return c >= 0x20 && c != '"' && c != '\\';
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** A member name, quoted and escaped once: {@code "name":}. Immutable. */
  static final class Key {
    private final String quoted;

    private Key(String quoted) {
      this.quoted = quoted;
    }

    static Key of(String name) {
      JsonText text = new JsonText(name.length() + 3);
      text.string(name);
      return new Key(text.out.append(':').toString());
    }
  }

  /** Constant members, checked once: {@code "a":1,"b":"x"}. Immutable. */
  static final class Members {
    private final String text;

    private Members(String text) {
      this.text = text;
    }

    /** Members as JSON text, e.g. {@code "status":"active"}; refused unless it parses as members. */
    static Members of(String text) {
      String problem = MetaToolJson.readObject("{" + text + "}", "{}", (name, value, p) -> false);
      if (problem != null || text.isBlank()) {
        throw new IllegalArgumentException("Not JSON object members: " + text + " (" + problem + ")");
      }
      return new Members(text);
    }
  }
}

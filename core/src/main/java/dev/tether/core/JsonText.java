package dev.tether.core;

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

  private void name(String name) {
    if (comma) {
      out.append(',');
    }
    string(name);
    out.append(':');
    comma = true;
  }

  private void string(String s) {
    out.append('"');
    int n = s.length();
    int clean = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\') {
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

  @Override
  public String toString() {
    return out.toString();
  }
}

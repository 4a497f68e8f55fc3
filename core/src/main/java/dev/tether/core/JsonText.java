package dev.tether.core;

import com.google.common.annotations.VisibleForTesting;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes JSON text straight into a {@code char[]}: the meta-tools' answers are small, flat and
 * mostly known-safe ASCII (slugs, ids, timestamps), so a generator's buffering and per-character
 * checks would be most of their cost, and so would a {@code StringBuilder}'s checks on each of the
 * ~25 appends an answer makes per toolkit. A string is copied in bulk and then scanned in place;
 * it is escaped as RFC 8259 requires ({@code "}, {@code \}, control characters) only from the first
 * character that needs it.
 *
 * <p>{@link #finish()}, the last call on a writer, hands its buffer back for the thread's next
 * answer: allocating and zeroing a fresh one was an eighth of the JSON path. Each thread keeps at
 * most one buffer of up to {@value #KEEP_AT_MOST} characters, never one that held a {@linkplain
 * #secret() secret}. A writer abandoned before {@code finish()} just drops its buffer. Not
 * thread-safe: one per answer.
 */
final class JsonText {
  /** The largest buffer a thread keeps between answers (32 KB; a 50-toolkit answer needs ~11,000). */
  static final int KEEP_AT_MOST = 16_384;
  /** Each thread's buffer while no answer of that thread holds it. */
  private static final ThreadLocal<char[]> SPARE = new ThreadLocal<>();
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final char[] NULL = "null".toCharArray();
  private static final char[] TRUE = "true".toCharArray();
  private static final char[] FALSE = "false".toCharArray();

  private char[] text;
  private int length;
  /** Whether the next member of the current object needs a comma before it. */
  private boolean comma;
  /** Whether the text holds a secret, so that its buffer must not outlive the answer. */
  private boolean secret;

  /** A writer whose text starts with room for {@code expectedLength} characters. */
  JsonText(int expectedLength) {
    char[] spare = SPARE.get();
    if (spare != null && spare.length >= expectedLength) {
      SPARE.set(null); // this answer's now; a nested writer on this thread makes its own
      this.text = spare;
    } else {
      this.text = new char[Math.max(16, expectedLength)];
    }
  }

  /** A writer of constant text, made once, on its own buffer: it takes none from the thread. */
  private JsonText(char[] own) {
    this.text = own;
  }

  /**
   * Marks the text as holding a secret, e.g. a link whose URL carries an OAuth {@code state}: its
   * buffer is dropped at {@link #finish()} rather than kept for the thread's next answer.
   */
  JsonText secret() {
    secret = true;
    return this;
  }

  JsonText begin() {
    put('{');
    comma = false;
    return this;
  }

  JsonText beginObject(String name) {
    name(name);
    put('{');
    comma = false;
    return this;
  }

  /**
   * Opens the member object {@code name} and writes {@code name} again as its first member {@code
   * key}, e.g. {@code "gmail":{"toolkit":"gmail"}: the name is escaped once for both.
   */
  JsonText beginObjectEchoing(String name, JsonConstants.Key key) {
    comma();
    int from = length;
    string(name);
    int quoted = length - from;
    room(2 + key.quoted().length + quoted);
    text[length++] = ':';
    text[length++] = '{';
    put(key.quoted());
    System.arraycopy(text, from, text, length, quoted);
    length += quoted;
    comma = true;
    return this;
  }

  /** A member whose value is an array. */
  JsonText beginArrayField(String name) {
    name(name);
    put('[');
    comma = false;
    return this;
  }

  /** An object element of the current array. */
  JsonText beginElement() {
    comma();
    put('{');
    comma = false;
    return this;
  }

  /** A string element of the current array. */
  JsonText element(String value) {
    comma();
    string(value);
    comma = true;
    return this;
  }

  JsonText endArray() {
    put(']');
    comma = true;
    return this;
  }

  JsonText end() {
    put('}');
    comma = true;
    return this;
  }

  JsonText field(String name, String value) {
    name(name);
    string(value);
    return this;
  }

  /** A member whose name was quoted once, up front (the hot answers' names are constants). */
  JsonText field(JsonConstants.Key name, String value) {
    key(name);
    string(value);
    return this;
  }

  /** A member whose value is an instant in ISO-8601, written straight into the text. */
  JsonText field(JsonConstants.Key name, Instant value) {
    key(name);
    room(Iso8601.MAX_LENGTH + 2);
    text[length++] = '"';
    int end = Iso8601.write(value, text, length);
    if (end < 0) {
      length--;
      string(value.toString()); // a year outside 0–9999
    } else {
      length = end;
      text[length++] = '"';
    }
    return this;
  }

  /** A member whose value is {@code sentence} around {@code value}; only {@code value} is escaped here. */
  JsonText field(JsonConstants.Key name, JsonConstants.Sentence sentence, String value) {
    key(name);
    put('"');
    put(sentence.head());
    body(value);
    put(sentence.tail());
    put('"');
    return this;
  }

  /**
   * Members written once as constant text, e.g. {@code "status":"active","flag":true}: the caller
   * vouches that it is well-formed JSON members.
   */
  JsonText members(JsonConstants.Members members) {
    comma();
    put(members.text());
    comma = true;
    return this;
  }

  JsonText field(String name, int value) {
    name(name);
    put(Integer.toString(value));
    return this;
  }

  JsonText field(String name, boolean value) {
    name(name);
    put(value ? TRUE : FALSE);
    return this;
  }

  JsonText nullField(String name) {
    name(name);
    put(NULL);
    return this;
  }

  private void comma() {
    if (comma) {
      put(',');
    }
  }

  private void key(JsonConstants.Key name) {
    comma();
    put(name.quoted());
    comma = true;
  }

  private void name(String name) {
    comma();
    string(name);
    put(':');
    comma = true;
  }

  private void string(String s) {
    put('"');
    body(s);
    put('"');
  }

  /** {@code s} escaped, without quotes: copied in bulk, then escaped from its first character that needs it. */
  private void body(String s) {
    int start = length;
    put(s);
    for (int i = start; i < length; i++) {
      if (!plain(text[i])) {
        length = i; // rewritten from here
        escape(s, i - start);
        return;
      }
    }
  }

  /** Writes {@code s} from {@code from} on, escaping what needs it. */
  private void escape(String s, int from) {
    for (int i = from, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (plain(c)) {
        put(c);
        continue;
      }
      switch (c) {
        case '"' -> put('\\', '"');
        case '\\' -> put('\\', '\\');
        case '\n' -> put('\\', 'n');
        case '\r' -> put('\\', 'r');
        case '\t' -> put('\\', 't');
        case '\b' -> put('\\', 'b');
        case '\f' -> put('\\', 'f');
        default -> {
          room(6);
          text[length++] = '\\';
          text[length++] = 'u';
          text[length++] = '0';
          text[length++] = '0';
          text[length++] = HEX[c >> 4];
          text[length++] = HEX[c & 0xf];
        }
      }
    }
  }

  /** Whether {@code c} goes into a JSON string as is. */
  private static boolean plain(char c) {
    return c >= 0x20 && c != '"' && c != '\\';
  }

  private void put(char c) {
    room(1);
    text[length++] = c;
  }

  private void put(char a, char b) {
    room(2);
    text[length++] = a;
    text[length++] = b;
  }

  private void put(char[] chars) {
    room(chars.length);
    System.arraycopy(chars, 0, text, length, chars.length);
    length += chars.length;
  }

  private void put(String s) {
    int n = s.length();
    room(n);
    s.getChars(0, n, text, length);
    length += n;
  }

  /** Makes room for {@code n} more characters. */
  private void room(int n) {
    if (length + n > text.length) {
      grow(n); // apart, so that every put inlines only the check
    }
  }

  private void grow(int n) {
    text = Arrays.copyOf(text, Math.max(text.length * 2, length + n));
  }

  /**
   * The text written, and the buffer back to this thread for its next answer unless it held a
   * secret. The last call on this writer: nothing may be written, or finished, after it.
   */
  String finish() {
    String done = new String(text, 0, length);
    if (!secret && text.length <= KEEP_AT_MOST) {
      SPARE.set(text);
    }
    text = null;
    return done;
  }

  /** Whether this thread holds a buffer for its next answer. */
  @VisibleForTesting
  static boolean threadKeepsABuffer() {
    return SPARE.get() != null;
  }

  /** The text written so far. */
  @Override
  public String toString() {
    return text == null ? "(finished)" : new String(text, 0, length);
  }

  /**
   * {@code text} escaped once, for a constant: with {@code quoted}, in quotes and followed by a
   * colon, as a member name. Takes no thread's buffer.
   */
  static char[] constant(String text, boolean quoted) {
    JsonText json = new JsonText(new char[text.length() + 8]);
    if (quoted) {
      json.string(text);
      json.put(':');
    } else {
      json.body(text);
    }
    return Arrays.copyOf(json.text, json.length);
  }
}

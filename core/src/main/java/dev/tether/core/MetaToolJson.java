package dev.tether.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON in and out for every meta-tool, with Jackson's streaming API (no tree for a few fields):
 * one parser configuration that refuses what two readers could read differently, the error
 * answer, and a writer into a plain {@code StringBuilder}. Thread-safe: stateless.
 */
final class MetaToolJson {
  /** How deep arguments may nest; an LLM's arguments never come close. */
  static final int MAX_NESTING_DEPTH = 32;

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
      // A key given twice is refused, not resolved: readers disagree on which one wins.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private MetaToolJson() {}

  /** A request-level problem with the arguments, as the one sentence the agent gets back. */
  static final class BadArguments extends Exception {
    private static final long serialVersionUID = 1L;

    BadArguments(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads the fields of one top-level object. */
  interface ObjectReader {
    /**
     * Reads one field whose value token the parser is on; must consume the whole value.
     *
     * @return false when the field is not one the tool knows (it is then skipped)
     */
    boolean field(String name, JsonToken value, JsonParser p) throws IOException, BadArguments;
  }

  /**
   * Parses exactly one JSON object, refusing content after it, a key given twice and nesting past
   * {@value #MAX_NESTING_DEPTH} levels.
   *
   * @return null when it parsed; otherwise the one-sentence error for the agent
   */
  static String readObject(String json, String example, ObjectReader reader) {
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return "Arguments must be a JSON object such as " + example + ".";
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!reader.field(field, value, p)) {
          p.skipChildren(); // LLMs add fields; they are ignored
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return "Arguments must be a JSON object such as " + example + ".";
      }
      if (p.nextToken() != null) {
        return "Arguments have content after the JSON object; pass exactly one object such as " + example + ".";
      }
      return null;
    } catch (BadArguments e) {
      return e.getMessage();
    } catch (StreamConstraintsException e) {
      return "Arguments nest deeper than " + MAX_NESTING_DEPTH + " levels; pass a flat object such as " + example
          + ".";
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage();
      if (why != null && why.startsWith("Duplicate field")) { // STRICT_DUPLICATE_DETECTION
        return "Arguments give a key twice" + where(e) + "; pass each key once.";
      }
      return "Arguments are not valid JSON" + where(e) + "; pass an object such as " + example + ".";
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does no I/O
    }
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
        + e.getLocation().getColumnNr() + ")";
  }

  /** A {@code session_id} value: a string, or null. */
  static String sessionId(JsonToken value, JsonParser p) throws IOException, BadArguments {
    if (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_STRING) {
      throw new BadArguments("session_id must be a string.");
    }
    return value == JsonToken.VALUE_NULL ? null : p.getText();
  }

  /** A {@code toolkits} value: an array of strings, or null (then the caller says it is required). */
  static List<String> toolkits(JsonToken value, JsonParser p) throws IOException, BadArguments {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw new BadArguments("toolkits must be an array of toolkit slugs, e.g. [\"gmail\"].");
    }
    List<String> out = new ArrayList<>(16);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        throw new BadArguments("toolkits[" + out.size() + "] must be a string such as \"gmail\".");
      }
      out.add(p.getText());
    }
    return out;
  }

  /**
   * The refusal of a {@code session_id} that is not this session's, or null when it matches or is
   * absent. An empty one is absent (models often send {@code ""} for an optional string), and
   * spaces around it are not part of it.
   */
  static String checkSessionId(String given, String sessionId, String toolSlug) {
    if (given != null && !given.isBlank() && !given.strip().equals(sessionId)) {
      return "Unknown session_id '" + shorten(given) + "'; pass the session_id \"" + sessionId + "\" of this session.";
    }
    return null;
  }

  /** The answer to a request that could not run. */
  static String error(String message) {
    return new JsonText(64 + message.length()).begin().beginObject("data").end().field("error", message)
        .field("successful", false).end().finish();
  }

  static String shorten(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}

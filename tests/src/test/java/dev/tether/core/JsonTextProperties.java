package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Set;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Property;

/** Whatever strings go in, the text {@link JsonText} writes is JSON that reads back as those strings. */
class JsonTextProperties {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Property(tries = 2000)
  void anyStrings_roundTripThroughAJsonParser(@ForAll String name, @ForAll String value, @ForAll int number,
      @ForAll boolean flag) throws Exception {
    String text = new JsonText(16).begin().field("first", value).beginObject("nested").field(name, value)
        .field("n", number).end().field("flag", flag).nullField("none").end().toString();
    JsonNode read = JSON.readTree(text);
    assertThat(read.get("first").asText()).isEqualTo(value);
    assertThat(read.get("nested").get(name).asText()).isEqualTo(value);
    assertThat(read.get("nested").get("n").asInt()).isEqualTo(number);
    assertThat(read.get("flag").asBoolean()).isEqualTo(flag);
    assertThat(read.get("none").isNull()).isTrue();
  }

  @Property(tries = 1000)
  void prequotedKeys_instants_andConstantMembers_readBackAsWritten(@ForAll String name, @ForAll String value,
      @ForAll long seconds, @ForAll @IntRange(max = 999_999_999) int nanos) throws Exception {
    Assume.that(!Set.of("status", "n", "at").contains(name)); // a key given twice reads back as the last
    // Years -1009 to 11,667: outside 0–9999 the text falls back to Instant.toString().
    Instant at = Instant.ofEpochSecond(Math.floorMod(seconds, 400_000_000_000L) - 94_000_000_000L, nanos);
    JsonConstants.Members members = JsonConstants.Members.of("\"status\":\"active\",\"n\":1");
    String text = new JsonText(16).begin().field(JsonConstants.Key.of(name), value).members(members)
        .field(JsonConstants.Key.of("at"), at).end().toString();
    JsonNode read = JSON.readTree(text);
    JsonNode prefixed = JSON.readTree(new JsonText(16).begin().field(JsonConstants.Key.of(members, name), value).end()
        .toString()); // the members and the key written as one
    assertThat(prefixed.size()).isEqualTo(3);
    assertThat(prefixed.get("status").asText()).isEqualTo("active");
    assertThat(prefixed.get("n").asInt()).isEqualTo(1);
    assertThat(prefixed.get(name).asText()).isEqualTo(value);
    assertThat(read.get(name).asText()).isEqualTo(value);
    assertThat(read.get("status").asText()).isEqualTo("active");
    assertThat(read.get("n").asInt()).isEqualTo(1);
    assertThat(read.get("at").asText()).isEqualTo(at.toString());
  }

  /** A name echoed as its object's first member, and a sentence around a value, read back as given. */
  @Property(tries = 1000)
  void echoedNames_andSentences_readBackAsWritten(@ForAll String name, @ForAll String before,
      @ForAll String value, @ForAll String after) throws Exception {
    Assume.that(!name.equals("plain")); // a key given twice reads back as the last
    JsonConstants.Sentence sentence = JsonConstants.Sentence.of(before, after);
    String text = new JsonText(16).begin().beginObjectEchoing(name, JsonConstants.Key.of("toolkit"))
        .field(JsonConstants.Key.of("said"), sentence, value).end()
        .field(JsonConstants.Key.of("plain"), sentence.with(value)).end().toString();
    JsonNode read = JSON.readTree(text);
    assertThat(read.get(name).get("toolkit").asText()).isEqualTo(name);
    assertThat(read.get(name).get("said").asText()).isEqualTo(before + value + after);
    assertThat(read.get("plain").asText()).isEqualTo(before + value + after);
    assertThat(read.size()).isEqualTo(2);
  }

  /**
   * A finished writer's buffer serves the thread's next answer, which starts empty; a writer opened
   * while another is still writing, or after one was abandoned, never shares its buffer; a buffer
   * that held a secret is not kept.
   */
  @Example
  void finishedBuffers_areReused_neverShared_neverKeptWithASecret() throws Exception {
    String first = new JsonText(64).begin().field("long", "x".repeat(40)).end().finish();
    assertThat(JsonText.threadKeepsABuffer()).isTrue();
    JsonText outer = new JsonText(64).begin().field("a", "outer");
    assertThat(JsonText.threadKeepsABuffer()).isFalse(); // the outer writer holds it
    JsonText nested = new JsonText(64).begin().field("b", "nested");
    outer.field("c", "still outer");
    assertThat(nested.end().finish()).isEqualTo("{\"b\":\"nested\"}");
    assertThat(outer.end().finish()).isEqualTo("{\"a\":\"outer\",\"c\":\"still outer\"}");
    new JsonText(8).begin().field("abandoned", "mid-answer"); // never finished
    assertThat(new JsonText(8).begin().end().finish()).isEqualTo("{}");
    assertThat(JSON.readTree(first).get("long").asText()).hasSize(40);
    JsonText done = new JsonText(8).begin().end();
    done.finish();
    assertThat(done).hasToString("(finished)");

    assertThat(new JsonText(8).begin().secret().field("link", "https://x/?state=s3cr3t").end().finish())
        .contains("s3cr3t");
    assertThat(JsonText.threadKeepsABuffer()).isFalse();
  }

  @Example
  void members_thatAreNotJsonMembers_areRefused() {
    for (String bad : new String[] {"", "\"a\":", "\"a\":1,", "{\"a\":1}", "\"a\":1}{\"b\":2"}) {
      assertThatIllegalArgumentException().as(bad).isThrownBy(() -> JsonConstants.Members.of(bad))
          .withMessageStartingWith("Not JSON object members");
    }
  }
}

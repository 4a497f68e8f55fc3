package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
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
}

package dev.tether.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSchemaElementsTest {
  private static JsonSchemaElement property(String schema) {
    String parameters = "{\"type\":\"object\",\"properties\":{\"p\":" + schema + "}}";
    return JsonSchemaElements.parametersOf("T", parameters).properties().get("p");
  }

  @Test
  void parametersOf_nestedObjectsArraysAndScalars_keepsTypesDescriptionsAndRequired() {
    JsonObjectSchema parameters = JsonSchemaElements.parametersOf("T",
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
        + "\"type\":\"object\",\"description\":\"root\",\"properties\":{"
        + "\"name\":{\"type\":\"string\",\"description\":\"a name\"},"
        + "\"count\":{\"type\":\"integer\"},"
        + "\"ratio\":{\"type\":\"number\",\"description\":\"0 to 1\"},"
        + "\"on\":{\"type\":\"boolean\"},"
        + "\"nothing\":{\"type\":\"null\"},"
        + "\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
        + "\"email\":{\"type\":\"string\"}},\"required\":[\"email\"],\"additionalProperties\":false}}},"
        + "\"required\":[\"name\",\"people\"]}");

    assertThat(parameters).isEqualTo(JsonObjectSchema.builder()
        .description("root")
        .addProperty("name", JsonStringSchema.builder().description("a name").build())
        .addProperty("count", new JsonIntegerSchema())
        .addProperty("ratio", JsonNumberSchema.builder().description("0 to 1").build())
        .addProperty("on", new JsonBooleanSchema())
        .addProperty("nothing", new JsonNullSchema())
        .addProperty("people", JsonArraySchema.builder().items(JsonObjectSchema.builder()
            .addStringProperty("email").required("email").additionalProperties(false).build()).build())
        .required("name", "people")
        .build());
  }

  @Test
  void parametersOf_propertyOrder_isTheSchemas() {
    JsonObjectSchema parameters = JsonSchemaElements.parametersOf("T",
        "{\"type\":\"object\",\"properties\":{\"z\":{\"type\":\"string\"},\"a\":{\"type\":\"string\"},\"m\":{\"type\":\"string\"}}}");

    assertThat(parameters.properties().keySet()).containsExactly("z", "a", "m");
  }

  @Test
  void of_stringEnum_becomesAnEnumWithItsDefaultInTheDescription() {
    assertThat(property("{\"type\":\"string\",\"enum\":[\"a\",\"b\"],\"default\":\"a\",\"description\":\"pick\"}"))
        .isEqualTo(JsonEnumSchema.builder().enumValues("a", "b").description("pick (default: \"a\")").build());
    assertThat(property("{\"enum\":[\"x\"]}")).isEqualTo(JsonEnumSchema.builder().enumValues("x").build());
  }

  @Test
  void of_keywordsWithoutATypedSlot_areAppendedToTheDescription() {
    assertThat(property("{\"type\":\"integer\",\"minimum\":1,\"maximum\":10}"))
        .isEqualTo(JsonIntegerSchema.builder().description("minimum: 1, maximum: 10").build());
    assertThat(property("{\"type\":\"string\",\"description\":\"an id\",\"pattern\":\"^ca_\"}"))
        .isEqualTo(JsonStringSchema.builder().description("an id (pattern: \"^ca_\")").build());
    assertThat(property("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}"))
        .isEqualTo(JsonObjectSchema.builder().description("additionalProperties: {\"type\":\"string\"}").build());
  }

  @Test
  void of_arrayWithoutItems_isAnArrayOfAnything() {
    assertThat(property("{\"type\":\"array\",\"description\":\"anything\"}"))
        .isEqualTo(JsonArraySchema.builder().description("anything").build());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":[\"string\",\"null\"]}",
      "{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}",
      "{\"$ref\":\"#/$defs/x\"}",
      "{\"enum\":[1,2]}",
      "{\"type\":\"integer\",\"enum\":[1,2]}",
      "{\"type\":\"array\",\"items\":[{\"type\":\"string\"}]}",
      "{\"type\":\"null\",\"description\":\"never\"}",
      "{\"type\":\"date\"}",
      "true"})
  void of_nodeNoTypedElementHolds_staysRawAndExact(String schema) {
    assertThat(property(schema)).isEqualTo(JsonRawSchema.from(TestEngines.json(schema).toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"array\"}", "{\"properties\":{}}", "[]", "{\"type\":\"object\",\"required\":\"x\"}"})
  void parametersOf_rootNotAnObjectSchema_throwsNamingTheTool(String schema) {
    assertThatThrownBy(() -> JsonSchemaElements.parametersOf("SOME_TOOL", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SOME_TOOL");
  }

  @Test
  void parametersOf_notJson_throwsNamingTheTool() {
    assertThatThrownBy(() -> JsonSchemaElements.parametersOf("SOME_TOOL", "{\"type\":"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SOME_TOOL is not JSON");
  }
}

package dev.tether.providers.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class FormCodecProperties {
  @Property(tries = 1000)
  void encode_thenDecode_givesTheValueBack(@ForAll("text") String name, @ForAll("text") String value) {
    Map<String, String> one = new LinkedHashMap<>();
    one.put(name.isEmpty() ? "n" : name, value);
    assertThat(FormCodec.decode(FormCodec.encode(one))).containsExactly(one.entrySet().iterator().next());
  }

  @Property(tries = 1000)
  void encode_emitsOnlyUnreservedCharactersAndEscapes(@ForAll("text") String value) {
    assertThat(FormCodec.encode(value)).matches("([A-Za-z0-9._~-]|%[0-9A-F]{2})*");
  }

  /** The JDK's decoder, an independent implementation, reads what the codec writes the same way. */
  @Property(tries = 1000)
  void jdkDecoder_agrees(@ForAll("text") String value) {
    assertThat(URLDecoder.decode(FormCodec.encode(value), StandardCharsets.UTF_8)).isEqualTo(value);
  }

  /** And the codec reads what the JDK's encoder writes ('+' for space, '*' kept). */
  @Property(tries = 1000)
  void decodesWhatTheJdkEncoderWrites(@ForAll("text") String value) {
    String jdk = "v=" + java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    assertThat(FormCodec.decode(jdk)).isEqualTo(List.of(Map.entry("v", value)));
  }

  @Provide
  Arbitrary<String> text() {
    // Whole code points, so no lone surrogate (which no UTF-8 encoder can round-trip).
    Arbitrary<String> special = Arbitraries.strings().withChars("&=+%#?/ *~é☃\u0000").ofMaxLength(8);
    Arbitrary<String> unicode = Arbitraries.integers().between(0, 0x10FFFF)
        .filter(cp -> cp < 0xD800 || cp > 0xDFFF)
        .list().ofMaxSize(12)
        .map(cps -> cps.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            .toString());
    return Arbitraries.oneOf(special, unicode, Arbitraries.strings().ascii().ofMaxLength(20));
  }
}

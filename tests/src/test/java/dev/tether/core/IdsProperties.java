package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class IdsProperties {
  /** The hand-written encoder gives exactly RFC 4648 base32 (lower case, unpadded), for any slice. */
  @Property(tries = 500)
  void base32_isRfc4648LowerCaseUnpadded(@ForAll @Size(max = 40) byte[] bytes, @ForAll @IntRange(max = 40) int from) {
    int offset = Math.min(from, bytes.length);
    String expected = BaseEncoding.base32().lowerCase().omitPadding().encode(bytes, offset, bytes.length - offset);
    assertThat(Ids.base32("ca_", bytes, offset, bytes.length - offset)).isEqualTo("ca_" + expected);
  }
}

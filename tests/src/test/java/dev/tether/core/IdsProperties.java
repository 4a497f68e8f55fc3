package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.io.BaseEncoding;
import dev.tether.spi.Secret;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class IdsProperties {
  /** The hand-written encoder gives exactly RFC 4648 base32 (lower case, unpadded), for any slice. */
  @Property(tries = 500)
  void base32_isRfc4648LowerCaseUnpadded(@ForAll @Size(max = 40) byte[] bytes, @ForAll @IntRange(max = 40) int from) {
    int offset = Math.min(from, bytes.length);
    String expected = BaseEncoding.base32().lowerCase().omitPadding().encode(bytes, offset, bytes.length - offset);
    assertThat(Ids.base32("ca_", bytes, offset, bytes.length - offset)).isEqualTo("ca_" + expected);
  }

  /**
   * The constant-time state check answers exactly what {@code equals} answers, for a state presented
   * whole, with one character changed (outside ASCII too), cut short or run on.
   */
  @Property(tries = 1000)
  void sameState_isEquals(@ForAll @StringLength(min = 1, max = 70) String issued, @ForAll @IntRange(max = 69) int at,
      @ForAll @CharRange(from = 0, to = 0x3000) char c, @ForAll @IntRange(max = 3) int shape) {
    int i = Math.min(at, issued.length() - 1);
    String presented;
    switch (shape) {
      case 0:
        presented = issued;
        break;
      case 1:
        presented = issued.substring(0, i) + c + issued.substring(i + 1);
        break;
      case 2:
        presented = issued.substring(0, i);
        break;
      default:
        presented = issued + c;
        break;
    }
    assertThat(Ids.sameState(Secret.of(issued), presented)).isEqualTo(issued.equals(presented));
  }
}

package dev.tether.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SlugsTest {
  /** The rule as the javadoc states it. */
  private static final Pattern RULE = Pattern.compile("[a-z0-9_]{1," + Slugs.MAX_LENGTH + "}");

  @Test
  void isValid_acceptsExactlyLowerCaseLettersDigitsAndUnderscore_forEveryChar() {
    for (int code = 0; code <= Character.MAX_VALUE; code++) {
      char c = (char) code;
      for (String slug : new String[] {String.valueOf(c), "a" + c, c + "_1"}) {
        assertThat(Slugs.isValid(slug)).as("U+%04X in '%s'", (int) c, slug).isEqualTo(RULE.matcher(slug).matches());
      }
    }
  }

  @Test
  void isValid_boundsTheLength_andRefusesNullAndEmpty() {
    assertThat(Slugs.isValid("a".repeat(Slugs.MAX_LENGTH))).isTrue();
    assertThat(Slugs.isValid("a".repeat(Slugs.MAX_LENGTH + 1))).isFalse();
    assertThat(Slugs.isValid("")).isFalse();
    assertThat(Slugs.isValid(null)).isFalse();
    assertThatIllegalArgumentException().isThrownBy(() -> Slugs.requireValid("G mail"))
        .withMessageContaining("'G mail'").withMessageContaining("lower-case a-z, 0-9 and '_'");
  }
}

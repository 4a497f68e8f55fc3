package dev.tether.pages;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** WCAG 2.1 contrast of every colour pair the default pages use. */
class StylesheetTest {
  @Test
  void everyPair_meetsItsContrastMinimum() {
    for (Stylesheet.Pair p : Stylesheet.PAIRS) {
      assertThat(contrast(p.foreground(), p.background())).as("%s %s on %s", p.what(), p.foreground(), p.background())
          .isGreaterThanOrEqualTo(p.minimum());
      assertThat(Stylesheet.CSS).as("the stylesheet uses %s", p.what()).contains(p.foreground());
    }
  }

  @Test
  void contrast_knownValues() {
    assertThat(contrast("#000000", "#ffffff")).isEqualTo(21.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(contrast("#767676", "#ffffff")).isGreaterThan(4.5).isLessThan(4.6);
  }

  static double contrast(String a, String b) {
    double la = luminance(a);
    double lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  private static double luminance(String hex) {
    int rgb = Integer.parseInt(hex.substring(1), 16);
    return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
  }

  private static double channel(int value) {
    double c = (value & 0xff) / 255.0;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  }
}

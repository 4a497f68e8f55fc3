package dev.tether.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class Iso8601Properties {
  /** The fast formatter prints exactly what Instant.toString() prints, fractions and all. */
  @Property(tries = 3000)
  void format_isInstantToString(@ForAll("instants") Instant instant) {
    assertThat(Iso8601.format(instant)).isEqualTo(instant.toString());
  }

  /** Instants of one day in a row, and then another day's, each print as toString(). */
  @Property(tries = 300)
  void sameDay_inARow_isInstantToString(@ForAll("instants") Instant day, @ForAll @IntRange(max = 86_399) int a,
      @ForAll @IntRange(max = 86_399) int b) {
    Instant midnight = Instant.ofEpochSecond(Math.floorDiv(day.getEpochSecond(), 86_400) * 86_400);
    for (Instant t : new Instant[] {midnight.plusSeconds(a), midnight.plusSeconds(b).plusNanos(day.getNano()), day}) {
      assertThat(Iso8601.format(t)).isEqualTo(t.toString());
    }
  }

  @Provide
  Arbitrary<Instant> instants() {
    Arbitrary<Long> seconds = Arbitraries.oneOf(
        Arbitraries.longs().between(-62_167_219_200L - 1000, 253_402_300_799L + 1000),
        Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L),
        Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()));
    Arbitrary<Integer> nanos = Arbitraries.oneOf(Arbitraries.just(0),
        Arbitraries.integers().between(0, 999).map(n -> n * 1_000_000),
        Arbitraries.integers().between(0, 999_999).map(n -> n * 1_000),
        Arbitraries.integers().between(0, 999_999_999));
    return seconds.flatMap(s -> nanos.map(n -> Instant.ofEpochSecond(s, n)));
  }
}

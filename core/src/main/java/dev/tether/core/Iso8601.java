package dev.tether.core;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()} without the general-purpose formatter: the meta-tool prints a
 * {@code created_at} per ACTIVE toolkit, and {@code DateTimeFormatter} was a seventh of the JSON
 * path. Same text for every instant (years outside 0–9999 fall back to {@code toString()}).
 */
final class Iso8601 {
  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z
  private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

  private Iso8601() {}

  static String format(Instant instant) {
    return appendTo(new StringBuilder(30), instant).toString();
  }

  /** Appends {@code instant.toString()} to {@code out}, digit by digit (no intermediate text). */
  static StringBuilder appendTo(StringBuilder out, Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return out.append(instant);
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    digits(out, date.getYear(), 4).append('-');
    digits(out, date.getMonthValue(), 2).append('-');
    digits(out, date.getDayOfMonth(), 2).append('T');
    digits(out, secondOfDay / 3600, 2).append(':');
    digits(out, secondOfDay / 60 % 60, 2).append(':');
    digits(out, secondOfDay % 60, 2);
    int nano = instant.getNano();
    if (nano != 0) {
      out.append('.');
      if (nano % 1_000_000 == 0) {
        digits(out, nano / 1_000_000, 3);
      } else if (nano % 1_000 == 0) {
        digits(out, nano / 1_000, 6);
      } else {
        digits(out, nano, 9);
      }
    }
    return out.append('Z');
  }

  /** {@code value} in exactly {@code width} (1 to 9) digits, zero-padded. */
  private static StringBuilder digits(StringBuilder out, int value, int width) {
    for (int divisor = POW10[width - 1]; divisor > 0; divisor /= 10) {
      out.append((char) ('0' + value / divisor % 10));
    }
    return out;
  }
}

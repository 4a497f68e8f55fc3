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
    twoDigits(out, date.getMonthValue()).append('-');
    twoDigits(out, date.getDayOfMonth()).append('T');
    twoDigits(out, secondOfDay / 3600).append(':');
    twoDigits(out, secondOfDay / 60 % 60).append(':');
    twoDigits(out, secondOfDay % 60);
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

  private static StringBuilder twoDigits(StringBuilder out, int value) {
    return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
  }

  /** {@code value} in exactly {@code width} digits, zero-padded. */
  private static StringBuilder digits(StringBuilder out, int value, int width) {
    for (int divisor = pow10(width - 1); divisor > 0; divisor /= 10) {
      out.append((char) ('0' + value / divisor % 10));
    }
    return out;
  }

  private static int pow10(int n) {
    int p = 1;
    for (int i = 0; i < n; i++) {
      p *= 10;
    }
    return p;
  }
}

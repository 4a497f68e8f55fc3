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
    long seconds = instant.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return instant.toString();
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    int nano = instant.getNano();
    char[] out = new char[30];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    int end = 19;
    if (nano != 0) {
      out[end++] = '.';
      if (nano % 1_000_000 == 0) {
        digits(out, end, nano / 1_000_000, 3);
        end += 3;
      } else if (nano % 1_000 == 0) {
        digits(out, end, nano / 1_000, 6);
        end += 6;
      } else {
        digits(out, end, nano, 9);
        end += 9;
      }
    }
    out[end++] = 'Z';
    return new String(out, 0, end);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}

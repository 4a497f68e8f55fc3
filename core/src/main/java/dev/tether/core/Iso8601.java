package dev.tether.core;

import java.time.Instant;
import java.time.LocalDate;

/**
 * {@link Instant#toString()} without the general-purpose formatter: the meta-tool prints a
 * {@code created_at} per ACTIVE toolkit, and {@code DateTimeFormatter} was a seventh of the JSON
 * path. Same text for every instant (years outside 0–9999 fall back to {@code toString()}).
 */
final class Iso8601 {
  /** The longest text {@link #write} writes: {@code 9999-12-31T23:59:59.999999999Z}. */
  static final int MAX_LENGTH = 30;

  private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
  private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private Iso8601() {}

  static String format(Instant instant) {
    char[] text = new char[MAX_LENGTH];
    int end = write(instant, text, 0);
    return end < 0 ? instant.toString() : new String(text, 0, end);
  }

  /**
   * Writes {@code instant.toString()} into {@code text} at {@code at} (room for {@link #MAX_LENGTH}
   * characters needed); every division is by a constant, which the JIT turns into a multiplication.
   *
   * @return where the text ends, or -1 for a year outside 0–9999 (nothing written)
   */
  static int write(Instant instant, char[] text, int at) {
    long seconds = instant.getEpochSecond();
    if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
      return -1;
    }
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    int year = date.getYear();
    twoDigits(text, at, year / 100);
    twoDigits(text, at + 2, year % 100);
    text[at + 4] = '-';
    twoDigits(text, at + 5, date.getMonthValue());
    text[at + 7] = '-';
    twoDigits(text, at + 8, date.getDayOfMonth());
    text[at + 10] = 'T';
    twoDigits(text, at + 11, secondOfDay / 3600);
    text[at + 13] = ':';
    twoDigits(text, at + 14, secondOfDay / 60 % 60);
    text[at + 16] = ':';
    twoDigits(text, at + 17, secondOfDay % 60);
    int end = at + 19;
    int nano = instant.getNano();
    if (nano != 0) {
      text[end++] = '.';
      if (nano % 1_000_000 == 0) {
        end = digits(text, end, 3, nano / 1_000_000);
      } else if (nano % 1_000 == 0) {
        end = digits(text, end, 6, nano / 1_000);
      } else {
        end = digits(text, end, 9, nano);
      }
    }
    text[end++] = 'Z';
    return end;
  }

  /** {@code value} (0 to 99) as two digits at {@code at}. */
  private static void twoDigits(char[] text, int at, int value) {
    text[at] = (char) ('0' + value / 10);
    text[at + 1] = (char) ('0' + value % 10);
  }

  /** {@code value} in exactly {@code width} digits, zero-padded, at {@code at}; returns the end. */
  private static int digits(char[] text, int at, int width, int value) {
    int end = at + width;
    for (int i = end - 1; i >= at; i--) {
      text[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return end;
  }
}

package dev.tether.core.store;

import java.time.Instant;

/**
 * Engine timestamps as epoch nanoseconds in a {@code long}: 8 bytes in a record instead of a
 * 16-byte reference-plus-object, and compared without allocating. Covers the years 1678 to 2261.
 */
final class Times {
  /** "No such time" (e.g. never connected). */
  static final long NONE = Long.MIN_VALUE;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private Times() {}

  /** @throws IllegalStateException naming the fix when the engine clock is outside the range */
  static long nanos(Instant instant) {
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), NANOS_PER_SECOND), instant.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalStateException("The engine clock reads " + instant + ", outside the years 1678 to 2261 "
          + "Tether can record; give Tether.builder().clock(...) a clock in that range");
    }
  }

  /** {@code null} for {@link #NONE}. */
  static Instant instant(long nanos) {
    return nanos == NONE ? null
        : Instant.ofEpochSecond(Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  static long nanosOrNone(Instant instant) {
    return instant == null ? NONE : nanos(instant);
  }
}

package dev.tether.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that only moves when a test says so. Give it to {@code Tether.builder().clock(...)}
 * and {@link #advance} it across link TTLs and token expiries instead of sleeping. Thread-safe.
 */
public final class TestClock extends Clock {
  private final AtomicReference<Instant> now;

  /**
   * A clock standing at {@code start}.
   *
   * @param start the instant the clock shows until it is advanced; not null
   */
  public TestClock(Instant start) {
    this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
  }

  /**
   * A clock standing at 2026-01-01T00:00:00Z.
   *
   * @return a new clock
   */
  public static TestClock standing() {
    return new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Moves the clock forward.
   *
   * @param by how far; zero or positive
   * @return this clock, for chaining
   * @throws IllegalArgumentException if {@code by} is negative (time never runs backwards here)
   */
  public TestClock advance(Duration by) {
    Objects.requireNonNull(by, "by");
    if (by.isNegative()) {
      throw new IllegalArgumentException("A TestClock only moves forward, got " + by);
    }
    now.updateAndGet(t -> t.plus(by));
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** Always UTC: returns this clock for UTC, else throws. */
  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new IllegalArgumentException("A TestClock is fixed to UTC, got " + zone);
  }

  @Override
  public String toString() {
    return "TestClock[" + now.get() + "]";
  }
}

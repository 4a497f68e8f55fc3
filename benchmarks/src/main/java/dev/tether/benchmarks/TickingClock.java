package dev.tether.benchmarks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves forward by a fixed step on every read, so that in a benchmark that runs
 * millions of operations in seconds, links age and expire as they would over hours in production.
 */
final class TickingClock extends Clock {
  private final AtomicLong nanos = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1_000_000L);
  private final long step;

  TickingClock(Duration step) {
    this.step = step.toNanos();
  }

  @Override
  public Instant instant() {
    long n = nanos.addAndGet(step);
    return Instant.ofEpochSecond(0, n);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

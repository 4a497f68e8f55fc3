package dev.tether.benchmarks;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code speedup} times faster than real time, so that in a benchmark that runs
 * millions of operations in seconds, links age and expire as they would over hours in production.
 * It reads {@link System#nanoTime()} and shares no mutable state, so benchmark threads reading it
 * do not contend (a counter bumped on every read made the 2-thread figures measure the counter).
 */
final class FastForwardClock extends Clock {
  private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;
  private final long origin = System.nanoTime();
  private final long speedup;

  FastForwardClock(long speedup) {
    this.speedup = speedup;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochSecond(0, START + (System.nanoTime() - origin) * speedup);
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

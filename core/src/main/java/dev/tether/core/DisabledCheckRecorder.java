package dev.tether.core;

/** Records nothing; {@link ConnectionChecks} recognises it and skips even the clock reads. */
enum DisabledCheckRecorder implements ConnectionCheckRecorder {
  INSTANCE;

  @Override
  public void recordCheck(ConnectionCheck check, long elapsedNanos) {}

  @Override
  public String toString() {
    return "ConnectionCheckRecorder.disabled()";
  }
}

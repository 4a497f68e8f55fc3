package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to {@link ConnectionStore#claimFlow}: whether the caller may complete the flow, and
 * otherwise what the caller who did got.
 *
 * @param kind what happened
 * @param outcome the first outcome, for {@link Kind#DONE}
 * @param busyUntil when the current claim lapses, for {@link Kind#BUSY}
 */
public record FlowClaim(Kind kind, Optional<CallbackResult> outcome, Optional<Instant> busyUntil) {
  /** What a claim found. */
  public enum Kind {
    /** The caller holds the claim: it completes or releases the flow. */
    CLAIMED,
    /** Another caller holds an unexpired claim; its outcome is not known yet. */
    BUSY,
    /** The flow was completed; {@link #outcome()} is what every later caller gets. */
    DONE,
    /** No such flow (never issued, or removed after its link TTL). */
    UNKNOWN
  }

  /**
   * Checks the fields against the kind.
   *
   * @param busyUntil when the current claim lapses, for {@link Kind#BUSY}
   * @param kind what happened
   * @param outcome the first outcome, for {@link Kind#DONE}
   */
  public FlowClaim {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(busyUntil, "busyUntil");
    if ((kind == Kind.DONE) != outcome.isPresent()) {
      throw new IllegalArgumentException("A " + kind + " claim " + (kind == Kind.DONE ? "needs" : "has no")
          + " outcome");
    }
    if ((kind == Kind.BUSY) != busyUntil.isPresent()) {
      throw new IllegalArgumentException("A " + kind + " claim " + (kind == Kind.BUSY ? "needs" : "has no")
          + " busyUntil");
    }
  }

  /** {@return the caller won} */
  public static FlowClaim claimed() {
    return new FlowClaim(Kind.CLAIMED, Optional.empty(), Optional.empty());
  }

  /**
   * Someone else holds the claim until {@code until}.
   *
   * @param until when the current claim lapses
   * @return a BUSY claim
   */
  public static FlowClaim busy(Instant until) {
    return new FlowClaim(Kind.BUSY, Optional.empty(), Optional.of(until));
  }

  /**
   * The flow is finished with {@code outcome}.
   *
   * @param outcome the first outcome, for {@link Kind#DONE}
   * @return a DONE claim
   */
  public static FlowClaim done(CallbackResult outcome) {
    return new FlowClaim(Kind.DONE, Optional.of(outcome), Optional.empty());
  }

  /** {@return there is no such flow} */
  public static FlowClaim unknown() {
    return new FlowClaim(Kind.UNKNOWN, Optional.empty(), Optional.empty());
  }
}

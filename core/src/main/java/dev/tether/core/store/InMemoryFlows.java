package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import dev.tether.spi.AuthorizationLink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store's pending flows and their claims. Each map value is also the flow's entry in
 * an {@link ExpiryQueue}, so the sweep removes a due flow by identity without reading it. Its time
 * never changes: a flow put again under its key gets a new value and entry, and the old entry is
 * cancelled (it stays queued, holding the old flow, until its own time: a link's time to live at
 * most). The flow and its claim change only inside the map's per-key compute, so a claim is
 * exactly once. Announces nothing (the store does). Thread-safe.
 */
final class InMemoryFlows {
  private final ConcurrentHashMap<String, QueuedFlow> flows = new ConcurrentHashMap<>();
  private final ExpiryQueue flowExpiry = new ExpiryQueue();

  /** Stores a new flow, or replaces one and keeps its claim. */
  void put(StoredFlow f) {
    QueuedFlow fresh = new QueuedFlow(f);
    flows.merge(f.key(), fresh, (old, unused) -> {
      old.cancel(); // its entry is dropped unread; the sweep would find it replaced anyway
      fresh.claim = old.claim;
      return fresh;
    });
    flowExpiry.add(fresh); // after the put: a sweep that meets the entry finds it in the map
  }

  Optional<StoredFlow> get(String key) {
    QueuedFlow q = flows.get(key);
    return q == null ? Optional.empty() : Optional.of(q.flow);
  }

  Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    QueuedFlow q = flows.computeIfPresent(key, (k, v) -> {
      if (v.flow.link().isEmpty()) {
        v.flow = v.flow.withLink(link);
      }
      return v;
    });
    return q == null ? Optional.empty() : q.flow.link(); // once attached, a link stays
  }

  FlowClaim claim(String key, String claimant, Instant now, Instant leaseUntil) {
    long nowNanos = Times.nanos(now);
    FlowClaim[] answer = {FlowClaim.unknown()};
    flows.computeIfPresent(key, (k, q) -> {
      Claim c = q.claim;
      if (c != null && c.outcome != null) {
        answer[0] = FlowClaim.done(c.outcome);
      } else if (c != null && !c.claimant.equals(claimant) && c.leaseUntil > nowNanos) {
        answer[0] = FlowClaim.busy(Times.instant(c.leaseUntil));
      } else {
        answer[0] = FlowClaim.claimed();
        q.claim = new Claim(claimant, Times.nanos(leaseUntil), null);
      }
      return q;
    });
    return answer[0];
  }

  /** Records the outcome if {@code claimant} holds the claim; announces nothing. */
  boolean complete(String key, String claimant, CallbackResult outcome) {
    boolean[] done = {false};
    flows.computeIfPresent(key, (k, q) -> {
      Claim c = q.claim;
      if (c != null && c.outcome == null && claimant.equals(c.claimant)) {
        done[0] = true;
        q.claim = new Claim(claimant, c.leaseUntil, outcome);
      }
      return q;
    });
    return done[0];
  }

  /** Frees a claim {@code claimant} holds; whether it did. */
  boolean release(String key, String claimant) {
    boolean[] released = {false};
    flows.computeIfPresent(key, (k, q) -> {
      Claim c = q.claim;
      if (c != null && c.outcome == null && claimant.equals(c.claimant)) {
        released[0] = true;
        q.claim = null;
      }
      return q;
    });
    return released[0];
  }

  /** Removes flows whose link expired at or before {@code at}; the keys this call removed. */
  List<String> removeExpiredBy(Instant at, int limit) {
    List<String> removed = new ArrayList<>();
    // A due entry is its flow's map value, or was replaced or removed (then the remove fails, and
    // a flow put again under its key is left to its own entry): one map operation, no read of the flow.
    flowExpiry.sweep(Times.nanos(at), limit,
        (key, entry) -> flows.remove(key, entry) ? ExpiryQueue.State.TAKEN : ExpiryQueue.State.GONE,
        removed::add);
    return removed;
  }

  int size() {
    return flows.size();
  }

  /**
   * A flow, its claim, and its queue entry (the flow's expiry, which never changes for this value).
   * The fields change only inside the map's compute for its key; volatile for {@link #get}, which
   * reads without it.
   */
  private static final class QueuedFlow extends ExpiryEntry {
    volatile StoredFlow flow;
    /** Who holds the claim until when, and the outcome once completed; null while unclaimed. */
    volatile Claim claim;

    QueuedFlow(StoredFlow flow) {
      super(flow.key(), Times.nanos(flow.expiresAt()));
      this.flow = flow;
    }
  }

  /** A claim on a flow. Immutable. */
  private static final class Claim {
    final String claimant;
    final long leaseUntil;
    final CallbackResult outcome;

    Claim(String claimant, long leaseUntil, CallbackResult outcome) {
      this.claimant = claimant;
      this.leaseUntil = leaseUntil;
      this.outcome = outcome;
    }
  }
}

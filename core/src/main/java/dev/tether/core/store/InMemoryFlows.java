package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import dev.tether.spi.AuthorizationLink;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory store's pending flows and their claims: each entry immutable and replaced inside
 * the map's per-key compute, so a claim is exactly once; an {@link ExpiryQueue} for the sweep.
 * Announces nothing (the store does). Thread-safe.
 */
final class InMemoryFlows {
  private final ConcurrentHashMap<String, FlowEntry> flows = new ConcurrentHashMap<>();
  private final ExpiryQueue flowExpiry = new ExpiryQueue();

  /** Stores a new flow, or replaces one and keeps its claim. */
  void put(StoredFlow f) {
    flows.merge(f.key(), new FlowEntry(f, null, 0, null), (old, fresh) -> old.with(f));
    flowExpiry.add(f.key(), Times.nanos(f.expiresAt()));
  }

  Optional<StoredFlow> get(String key) {
    FlowEntry e = flows.get(key);
    return e == null ? Optional.empty() : Optional.of(e.flow);
  }

  Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    FlowEntry e = flows.computeIfPresent(key, (k, old) -> old.flow.link().isPresent() ? old
        : old.with(old.flow.withLink(link)));
    return e == null ? Optional.empty() : e.flow.link();
  }

  FlowClaim claim(String key, String claimant, Instant now, Instant leaseUntil) {
    long nowNanos = Times.nanos(now);
    FlowClaim[] answer = {FlowClaim.unknown()};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null) {
        answer[0] = FlowClaim.done(e.outcome);
        return e;
      }
      if (e.claimant != null && !e.claimant.equals(claimant) && e.leaseUntil > nowNanos) {
        answer[0] = FlowClaim.busy(Times.instant(e.leaseUntil));
        return e;
      }
      answer[0] = FlowClaim.claimed();
      return new FlowEntry(e.flow, claimant, Times.nanos(leaseUntil), null);
    });
    return answer[0];
  }

  /** Records the outcome if {@code claimant} holds the claim; announces nothing. */
  boolean complete(String key, String claimant, CallbackResult outcome) {
    boolean[] done = {false};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null || !claimant.equals(e.claimant)) {
        return e;
      }
      done[0] = true;
      return new FlowEntry(e.flow, claimant, e.leaseUntil, outcome);
    });
    return done[0];
  }

  /** Frees a claim {@code claimant} holds; whether it did. */
  boolean release(String key, String claimant) {
    boolean[] released = {false};
    flows.computeIfPresent(key, (k, e) -> {
      if (e.outcome != null || !claimant.equals(e.claimant)) {
        return e;
      }
      released[0] = true;
      return new FlowEntry(e.flow, null, 0, null);
    });
    return released[0];
  }

  /** Removes flows whose link expired at or before {@code at}; the keys this call removed. */
  List<String> removeExpiredBy(Instant at, int limit) {
    List<String> removed = new ArrayList<>();
    // One map operation a flow: the judge removes a due flow itself. Count only what this call
    // removed: a flow put again under its key has a second entry, which finds it gone.
    flowExpiry.sweep(Times.nanos(at), limit, (key, entry) -> {
      boolean[] due = {false};
      FlowEntry left = flows.computeIfPresent(key, (k, e) -> {
        if (e.flow.expiresAt().isAfter(at)) {
          return e;
        }
        due[0] = true;
        return null;
      });
      return due[0] ? ExpiryQueue.State.TAKEN : left == null ? ExpiryQueue.State.GONE : ExpiryQueue.State.LATER;
    }, removed::add);
    return removed;
  }

  /** A flow and its claim: who holds it until when, and the outcome once completed. Immutable. */
  private static final class FlowEntry {
    final StoredFlow flow;
    final String claimant;
    final long leaseUntil;
    final CallbackResult outcome;

    FlowEntry(StoredFlow flow, String claimant, long leaseUntil, CallbackResult outcome) {
      this.flow = flow;
      this.claimant = claimant;
      this.leaseUntil = leaseUntil;
      this.outcome = outcome;
    }

    FlowEntry with(StoredFlow newFlow) {
      return new FlowEntry(newFlow, claimant, leaseUntil, outcome);
    }
  }

  int size() {
    return flows.size();
  }
}

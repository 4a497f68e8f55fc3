package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import java.util.List;
import java.util.Objects;

/**
 * One atomic change to one (user, toolkit) pair, made against the {@link Slot} it was decided on:
 * the store applies all of it or, when the pair changed since {@code read}, none of it.
 *
 * @param read the slot the change was decided on; its accounts and version are what the store
 *     checks
 * @param put accounts to add or replace (each of {@code read}'s user and toolkit)
 * @param remove ids of accounts of {@code read}'s slot to remove with their credentials (a store ignores others)
 * @param flows pending flows to store with the change (a new link's flow)
 * @param events what the change means, delivered to every {@link StoreListener} of every engine
 *     sharing the store once the change is durable, and only if it was applied
 * @param completions flows this change completes, each recorded only if its claimant still holds
 *     the claim (as {@link ConnectionStore#completeFlow} would), in the same atomic change: a callback
 *     that activates an account completes its flow without another round trip
 */
public record SlotCommit(Slot read, List<StoredAccount> put, List<String> remove, List<StoredFlow> flows,
    List<ConnectionEvent> events, List<FlowCompletion> completions) {
  /**
   * A flow's outcome, recorded with a slot change.
   *
   * @param key the flow's key
   * @param claimant the claimant that holds the claim
   * @param outcome what every later callback with this state gets
   */
  public record FlowCompletion(String key, String claimant, CallbackResult outcome) {
    /**
     * Checks that nothing is null.
     *
     * @param claimant the claimant that holds the claim
     * @param key the flow's key
     * @param outcome what every later callback with this state gets
     */
    public FlowCompletion {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(claimant, "claimant");
      Objects.requireNonNull(outcome, "outcome");
    }
  }

  /**
   * A change that completes no flow.
   *
   * @param read the slot the change was decided on
   * @param put accounts to add or replace
   * @param remove ids of accounts of {@code read}'s slot to remove
   * @param flows pending flows to store
   * @param events what the change means
   */
  public SlotCommit(Slot read, List<StoredAccount> put, List<String> remove, List<StoredFlow> flows,
      List<ConnectionEvent> events) {
    this(read, put, remove, flows, events, List.of());
  }

  /**
   * Checks that every account belongs to the slot, and copies.
   *
   * @param events what the change means, delivered to every {@link StoreListener} of every engine sharing the store once the change is durable, and only if it was applied
   * @param flows pending flows to store with the change (a new link's flow)
   * @param put accounts to add or replace (each of {@code read}'s user and toolkit)
   * @param read the slot the change was decided on; its accounts and version are what the store checks
   * @param remove ids of accounts of {@code read}'s slot to remove with their credentials (a store ignores others)
   *
   * @param completions flows this change completes, each only while its claimant holds the claim
   */
  public SlotCommit {
    Objects.requireNonNull(read, "read");
    put = List.copyOf(put);
    remove = List.copyOf(remove);
    flows = List.copyOf(flows);
    events = List.copyOf(events);
    completions = List.copyOf(completions);
    // Indexed: the iterators were ~180 B of each callback operation's garbage (three commits).
    for (int i = 0; i < put.size(); i++) {
      StoredAccount a = put.get(i);
      if (!a.userId().equals(read.userId()) || !a.toolkit().equals(read.toolkit())) {
        throw new IllegalArgumentException(a + " does not belong to the slot of ('" + read.userId() + "', '"
            + read.toolkit() + "')");
      }
    }
    for (int i = 0; i < flows.size(); i++) {
      StoredFlow f = flows.get(i);
      if (!f.userId().equals(read.userId()) || !f.toolkit().equals(read.toolkit())) {
        throw new IllegalArgumentException(f + " does not belong to the slot of ('" + read.userId() + "', '"
            + read.toolkit() + "')");
      }
    }
  }

  /** {@return whether the commit changes nothing (the engine then does not send it)} */
  public boolean isEmpty() {
    return put.isEmpty() && remove.isEmpty() && flows.isEmpty() && events.isEmpty() && completions.isEmpty();
  }
}

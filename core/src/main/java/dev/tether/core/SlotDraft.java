package dev.tether.core;

import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One decision's working copy of a (user, toolkit) slot: the accounts as the decision has left
 * them so far, and what it changed, ready to become a {@link SlotCommit}. Pure data: no I/O, no
 * clock (the decision's time is given). Not thread-safe: one per decision.
 */
final class SlotDraft {
  private final Slot read;
  private final Instant now;
  /** The accounts by id, in slot order (oldest first), as changed so far. */
  private final LinkedHashMap<String, StoredAccount> accounts = new LinkedHashMap<>();
  private final LinkedHashMap<String, StoredAccount> put = new LinkedHashMap<>(2);
  private final List<String> removed = new ArrayList<>(1);
  private final List<StoredFlow> flows = new ArrayList<>(1);
  private final List<ConnectionEvent> events = new ArrayList<>(2);
  private List<SlotCommit.FlowCompletion> completions = List.of();

  SlotDraft(Slot read, Instant now) {
    this.read = read;
    this.now = now;
    for (StoredAccount a : read.accounts()) {
      accounts.put(a.id(), a);
    }
  }

  Instant now() {
    return now;
  }

  String userId() {
    return read.userId();
  }

  String toolkit() {
    return read.toolkit();
  }

  /** The accounts as changed so far, oldest first. */
  List<StoredAccount> accounts() {
    return List.copyOf(accounts.values());
  }

  Optional<StoredAccount> find(String id) {
    return Optional.ofNullable(accounts.get(id));
  }

  /** Adds or replaces an account. */
  void put(StoredAccount account) {
    accounts.put(account.id(), account);
    put.put(account.id(), account);
  }

  /** Removes an account and its credentials. */
  void remove(String id) {
    if (accounts.remove(id) == null) {
      return;
    }
    put.remove(id);
    for (StoredAccount a : read.accounts()) {
      if (a.id().equals(id)) {
        removed.add(id);
        return;
      }
    }
  }

  void addFlow(StoredFlow flow) {
    flows.add(flow);
  }

  /** Completes a flow the caller claimed, in the same commit. */
  void completeFlow(String key, String claimant, CallbackResult outcome) {
    if (completions.isEmpty()) {
      completions = new ArrayList<>(1);
    }
    completions.add(new SlotCommit.FlowCompletion(key, claimant, outcome));
  }

  /** Records what happened, for the change feed. */
  void event(ConnectionEvent.Type type, StoredAccount account, Optional<ConnectionStatus> from, Optional<String> detail) {
    events.add(new ConnectionEvent(type, account.view(), from, detail, now));
  }

  boolean isEmpty() {
    return put.isEmpty() && removed.isEmpty() && flows.isEmpty() && events.isEmpty() && completions.isEmpty();
  }

  SlotCommit commit() {
    return new SlotCommit(read, List.copyOf(put.values()), removed, flows, events, completions);
  }

  /** What the decision changed so far, e.g. for tests: account id → its new status, or null when removed. */
  Map<String, ConnectionStatus> changes() {
    Map<String, ConnectionStatus> out = new LinkedHashMap<>();
    put.forEach((id, a) -> out.put(id, a.status()));
    removed.forEach(id -> out.put(id, null));
    return out;
  }

  List<ConnectionEvent> events() {
    return List.copyOf(events);
  }
}

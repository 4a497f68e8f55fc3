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
  /**
   * The accounts in slot order (oldest first), as changed so far. Lists, not maps: a slot holds one
   * or a few accounts, and two linked hash maps were a sixth of a callback's garbage.
   */
  private final List<StoredAccount> accounts;
  // What changed: immutable and empty until a first change (most decisions make one or two kinds),
  // then an ArrayList; commit() hands the store immutable lists, which SlotCommit keeps uncopied.
  private List<StoredAccount> put = List.of();
  private List<String> removed = List.of();
  private List<StoredFlow> flows = List.of();
  private List<ConnectionEvent> events = List.of();
  private List<SlotCommit.FlowCompletion> completions = List.of();

  SlotDraft(Slot read, Instant now) {
    this.read = read;
    this.now = now;
    this.accounts = new ArrayList<>(read.accounts());
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
    return List.copyOf(accounts);
  }

  Optional<StoredAccount> find(String id) {
    int i = indexOf(accounts, id);
    return i < 0 ? Optional.empty() : Optional.of(accounts.get(i));
  }

  /** Adds (after the others) or replaces (in place) an account. */
  void put(StoredAccount account) {
    replaceOrAdd(accounts, account);
    put = growable(put);
    replaceOrAdd(put, account);
  }

  /** {@code list} itself once it can grow; else (still the empty {@code List.of()}) a new ArrayList. */
  private static <T> List<T> growable(List<T> list) {
    return list instanceof ArrayList ? list : new ArrayList<>(2);
  }

  /** The list as the commit takes it: immutable, and no copy at all when empty. */
  private static <T> List<T> frozen(List<T> list) {
    return list.isEmpty() ? List.of() : List.copyOf(list);
  }

  private static void replaceOrAdd(List<StoredAccount> list, StoredAccount account) {
    int i = indexOf(list, account.id());
    if (i < 0) {
      list.add(account);
    } else {
      list.set(i, account);
    }
  }

  private static int indexOf(List<StoredAccount> list, String id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** Removes an account and its credentials. */
  void remove(String id) {
    int i = indexOf(accounts, id);
    if (i < 0) {
      return;
    }
    accounts.remove(i);
    int p = indexOf(put, id);
    if (p >= 0) {
      put.remove(p);
    }
    for (StoredAccount a : read.accounts()) {
      if (a.id().equals(id)) {
        removed = growable(removed);
        removed.add(id);
        return;
      }
    }
  }

  void addFlow(StoredFlow flow) {
    flows = growable(flows);
    flows.add(flow);
  }

  /** Completes a flow the caller claimed, in the same commit. */
  void completeFlow(String key, String claimant, CallbackResult outcome) {
    completions = growable(completions);
    completions.add(new SlotCommit.FlowCompletion(key, claimant, outcome));
  }

  /** Records what happened, for the change feed. */
  void event(ConnectionEvent.Type type, StoredAccount account, Optional<ConnectionStatus> from, Optional<String> detail) {
    events = growable(events);
    events.add(new ConnectionEvent(type, account.view(), from, detail, now));
  }

  boolean isEmpty() {
    return put.isEmpty() && removed.isEmpty() && flows.isEmpty() && events.isEmpty() && completions.isEmpty();
  }

  SlotCommit commit() {
    return new SlotCommit(read, frozen(put), frozen(removed), frozen(flows), frozen(events), frozen(completions));
  }

  /** What the decision changed so far, e.g. for tests: account id → its new status, or null when removed. */
  Map<String, ConnectionStatus> changes() {
    Map<String, ConnectionStatus> out = new LinkedHashMap<>();
    put.forEach(a -> out.put(a.id(), a.status()));
    removed.forEach(id -> out.put(id, null));
    return out;
  }

  List<ConnectionEvent> events() {
    return List.copyOf(events);
  }
}

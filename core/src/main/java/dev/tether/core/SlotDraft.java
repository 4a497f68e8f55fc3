package dev.tether.core;

import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import java.time.Instant;
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
  // Immutable lists, each replaced on every change: a draft changes one or two items (a slot holds
  // one or a few accounts), so a change costs one small List.of, the accounts are handed out
  // without a copy (a snapshot the decision may iterate while it changes the draft), and commit()
  // hands the store the lists themselves (SlotCommit keeps immutable ones uncopied). Growable
  // lists copied at the end, and the copies of the accounts, were most of the 1.7 KB per callback
  // that BENCHMARKS.md's thirteenth round removed.
  /** The accounts in slot order (oldest first), as changed so far. */
  private List<StoredAccount> accounts;
  private List<StoredAccount> put = List.of();
  private List<String> removed = List.of();
  private List<StoredFlow> flows = List.of();
  private List<ConnectionEvent> events = List.of();
  private List<SlotCommit.FlowCompletion> completions = List.of();
  /** Whether the transaction's previous commit failed without saying whether it was written. */
  private final boolean afterUncertainCommit;

  SlotDraft(Slot read, Instant now) {
    this(read, now, false);
  }

  SlotDraft(Slot read, Instant now, boolean afterUncertainCommit) {
    this.read = read;
    this.now = now;
    this.accounts = read.accounts();
    this.afterUncertainCommit = afterUncertainCommit;
  }

  /**
   * Whether this decision follows a commit that failed with a retryable store error, which may
   * have been written: a change the slot already shows was then most likely this transaction's
   * own, and is answered as done rather than refused or made again.
   */
  boolean afterUncertainCommit() {
    return afterUncertainCommit;
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

  /** The accounts as changed so far, oldest first: an immutable snapshot. */
  List<StoredAccount> accounts() {
    return accounts;
  }

  Optional<StoredAccount> find(String id) {
    int i = indexOf(accounts, id);
    return i < 0 ? Optional.empty() : Optional.of(accounts.get(i));
  }

  /** Adds (after the others) or replaces (in place) an account. */
  void put(StoredAccount account) {
    accounts = replaceOrAdd(accounts, account);
    put = replaceOrAdd(put, account);
  }

  private static List<StoredAccount> replaceOrAdd(List<StoredAccount> list, StoredAccount account) {
    int i = indexOf(list, account.id());
    return i < 0 ? plus(list, account) : replaced(list, i, account);
  }

  private static int indexOf(List<StoredAccount> list, String id) {
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  /** {@code list} and then {@code item}: a new immutable list. */
  @SuppressWarnings("unchecked")
  private static <T> List<T> plus(List<T> list, T item) {
    switch (list.size()) {
      case 0:
        return List.of(item);
      case 1:
        return List.of(list.get(0), item);
      default:
        Object[] items = list.toArray(new Object[list.size() + 1]);
        items[list.size()] = item;
        return (List<T>) List.of(items);
    }
  }

  /** {@code list} with item {@code i} replaced: a new immutable list. */
  @SuppressWarnings("unchecked")
  private static <T> List<T> replaced(List<T> list, int i, T item) {
    if (list.size() == 1) {
      return List.of(item);
    }
    Object[] items = list.toArray();
    items[i] = item;
    return (List<T>) List.of(items);
  }

  /** {@code list} without item {@code i}: a new immutable list. */
  @SuppressWarnings("unchecked")
  private static <T> List<T> without(List<T> list, int i) {
    if (list.size() == 1) {
      return List.of();
    }
    Object[] items = new Object[list.size() - 1];
    for (int from = 0, to = 0; from < list.size(); from++) {
      if (from != i) {
        items[to++] = list.get(from);
      }
    }
    return (List<T>) List.of(items);
  }

  /** Removes an account and its credentials. */
  void remove(String id) {
    int i = indexOf(accounts, id);
    if (i < 0) {
      return;
    }
    accounts = without(accounts, i);
    int p = indexOf(put, id);
    if (p >= 0) {
      put = without(put, p);
    }
    if (indexOf(read.accounts(), id) >= 0) {
      removed = plus(removed, id);
    }
  }

  void addFlow(StoredFlow flow) {
    flows = plus(flows, flow);
  }

  /** Completes a flow the caller claimed, in the same commit. */
  void completeFlow(String key, String claimant, CallbackResult outcome) {
    completions = plus(completions, new SlotCommit.FlowCompletion(key, claimant, outcome));
  }

  /** Records what happened, for the change feed. */
  void event(ConnectionEvent.Type type, StoredAccount account, Optional<ConnectionStatus> from, Optional<String> detail) {
    events = plus(events, new ConnectionEvent(type, account.view(), from, detail, now));
  }

  boolean isEmpty() {
    return put.isEmpty() && removed.isEmpty() && flows.isEmpty() && events.isEmpty() && completions.isEmpty();
  }

  SlotCommit commit() {
    return new SlotCommit(read, put, removed, flows, events, completions);
  }

  /** What the decision changed so far, e.g. for tests: account id → its new status, or null when removed. */
  Map<String, ConnectionStatus> changes() {
    Map<String, ConnectionStatus> out = new LinkedHashMap<>();
    put.forEach(a -> out.put(a.id(), a.status()));
    removed.forEach(id -> out.put(id, null));
    return out;
  }

  List<ConnectionEvent> events() {
    return events;
  }
}

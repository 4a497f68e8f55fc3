package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoreListener;
import dev.tether.core.store.StoredAccount;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The engine's end of the store's change feed: every change, whichever engine made it, settles
 * the {@code waitForConnection}s, refresh followers and flow-claim waiters of this engine, then
 * reaches its listeners. Nothing here polls: a waiter is a future completed by a change. Thread-safe.
 */
final class ConnectionWaiters implements StoreListener {
  private final ConnectionStore store;
  private final Listeners listeners;
  /** Account id → the future of {@code waitForConnection}: ACTIVE, or failed when it ends otherwise. */
  private final ConcurrentHashMap<String, CompletableFuture<ConnectedAccount>> completions = new ConcurrentHashMap<>();
  /** Account id → the next change of that account (refresh followers wait for the leader's). */
  private final ConcurrentHashMap<String, CompletableFuture<ConnectionEvent>> nextChange = new ConcurrentHashMap<>();
  /** User id → the next change of any of the user's accounts (the wait meta-tool). */
  private final ConcurrentHashMap<String, CompletableFuture<ConnectionEvent>> nextOfUser = new ConcurrentHashMap<>();
  /** Flow key → the flow's next completion or release (a callback waiting on another's claim). */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> flows = new ConcurrentHashMap<>();

  ConnectionWaiters(ConnectionStore store, Listeners listeners) {
    this.store = store;
    this.listeners = listeners;
  }

  /**
   * Completes when the account becomes ACTIVE; fails when it ends any other way.
   *
   * @param current reads the account as it is now; called after the waiter is registered, so a
   *     change committed before that read is seen by it, and one committed after it settles the
   *     waiter from the feed
   */
  CompletableFuture<ConnectedAccount> completion(String accountId, Supplier<StoredAccount> current) {
    CompletableFuture<ConnectedAccount> future = completions.computeIfAbsent(accountId, k -> new CompletableFuture<>());
    settle(accountId, current.get()); // it may have finished before anyone waited
    return future;
  }

  /** Completes with the account's next change. Register before acting, then look: nothing is missed. */
  CompletableFuture<ConnectionEvent> nextChange(String accountId) {
    return nextChange.computeIfAbsent(accountId, k -> new CompletableFuture<>());
  }

  /** Completes with the next change of any of the user's accounts. Register before looking. */
  CompletableFuture<ConnectionEvent> nextChangeOfUser(String userId) {
    return nextOfUser.computeIfAbsent(userId, k -> new CompletableFuture<>());
  }

  /** Completes when the flow is next completed or released. */
  CompletableFuture<Void> flowSettledFuture(String flowKey) {
    return flows.computeIfAbsent(flowKey, k -> new CompletableFuture<>());
  }

  @Override
  public void accountChanged(ConnectionEvent event) {
    String id = event.accountId();
    if (completions.containsKey(id)) { // a waiter registering later checks the current state itself
      if (event.type() == ConnectionEvent.Type.DELETED) {
        settle(id, null);
      } else if (event.type() == ConnectionEvent.Type.STATUS_CHANGED) {
        StoredAccount now = store.account(id).orElse(null);
        if (now == null && event.status().isTerminal()) {
          // Ended, then forgotten (an abandoned link) before this read: it ended, it was not deleted.
          fail(id, event.status(), event.reason().orElse(null));
        } else {
          settle(id, now);
        }
      }
    }
    CompletableFuture<ConnectionEvent> next = nextChange.remove(id);
    if (next != null) {
      next.complete(event);
    }
    CompletableFuture<ConnectionEvent> ofUser = nextOfUser.remove(event.userId());
    if (ofUser != null) {
      ofUser.complete(event);
    }
    listeners.publish(event);
  }

  @Override
  public void flowSettled(String flowKey) {
    CompletableFuture<Void> waiting = flows.remove(flowKey);
    if (waiting != null) {
      waiting.complete(null);
    }
  }

  /** The feed may have lost changes: everyone waiting looks again. */
  @Override
  public void resynchronize() {
    for (String id : completions.keySet()) {
      settle(id, store.account(id).orElse(null));
    }
    drain(nextChange, null);
    drain(nextOfUser, null);
    drain(flows, null);
  }

  private static <T> void drain(Map<String, CompletableFuture<T>> waiting, T value) {
    for (String key : waiting.keySet()) {
      CompletableFuture<T> f = waiting.remove(key);
      if (f != null) {
        f.complete(value);
      }
    }
  }

  private void settle(String accountId, StoredAccount r) {
    if (r != null && r.status() == ConnectionStatus.INITIATED) {
      return;
    }
    CompletableFuture<ConnectedAccount> future = completions.remove(accountId);
    if (future == null) {
      return;
    }
    if (r != null && r.status() == ConnectionStatus.ACTIVE) {
      future.complete(r.view());
    } else {
      future.completeExceptionally(new ConnectionRequestFailedException(accountId,
          r == null ? null : r.status(), r == null ? "deleted" : r.statusReason().orElse(null)));
    }
  }

  private void fail(String accountId, ConnectionStatus status, String reason) {
    CompletableFuture<ConnectedAccount> future = completions.remove(accountId);
    if (future != null) {
      future.completeExceptionally(new ConnectionRequestFailedException(accountId, status, reason));
    }
  }
}

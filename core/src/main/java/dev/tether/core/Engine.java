package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The engine's wiring: one instance of each use case over one store, and the clock read that
 * starts every operation (and gives maintenance its turn). The rules live in the use cases:
 * {@link SessionDirectory}, {@link ToolkitConnections}, {@link LinkIssuer}, {@link
 * CallbackCompleter}, {@link ConnectLinkForms}, {@link AccountAdmin}, {@link CredentialRefresher},
 * {@link Maintenance}, {@link ConnectionWaiters} and the {@link MetaTools}; {@link ConnectionChecks}
 * times the checks for a recorder. Thread-safe.
 */
final class Engine {
  private final EngineConfig config;
  private final ProviderRegistry registry;
  private final ConnectionStore store;
  private final Listeners listeners;
  private final SessionDirectory sessions;
  private final LinkIssuer links;
  private final ToolkitConnections connections;
  private final CallbackCompleter callbacks;
  private final ConnectLinkForms forms;
  private final AccountAdmin accounts;
  private final CredentialRefresher credentials;
  private final Maintenance maintenance;
  private final ConnectionWaiters waiters;
  private final MetaTools metaTools;
  private final ConnectionChecks checks;

  Engine(EngineConfig config, ProviderRegistry registry, ConnectionStore store, Listeners listeners, Ids ids,
      ConnectionCheckRecorder checkRecorder) {
    StoredAccount.requireRecordable(config.now()); // a clock Tether cannot record fails here, naming the fix
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.listeners = listeners;
    SlotTransaction tx = new SlotTransaction(store);
    this.waiters = new ConnectionWaiters(store, listeners);
    this.sessions = new SessionDirectory(store, registry, ids, config);
    this.links = new LinkIssuer(config, store, ids, tx);
    this.connections = new ToolkitConnections(config, registry, store, links, tx);
    this.callbacks = new CallbackCompleter(config, registry, store, tx, waiters, ids);
    this.forms = new ConnectLinkForms(config, registry, store, tx, links, callbacks, ids);
    this.accounts = new AccountAdmin(config, store, tx);
    this.credentials = new CredentialRefresher(config, registry, store, tx, waiters, accounts, ids);
    this.maintenance = new Maintenance(config, store, tx);
    this.metaTools = new MetaTools(List.of(new ManageConnectionsTool(), new SearchToolsTool(),
        new WaitForConnectionsTool()));
    this.checks = new ConnectionChecks(checkRecorder, registry);
    store.subscribe(waiters);
  }

  /**
   * Starts an operation: reads the clock, and runs maintenance if a slice is due (then reads it
   * again, so what the operation writes is timed after the slice, not before it).
   */
  Instant begin() {
    Instant now = config.now();
    return maintenance.onUse(now) ? config.now() : now;
  }

  /** Completes when the account becomes ACTIVE; fails when it ends any other way. */
  CompletableFuture<ConnectedAccount> completion(String accountId) {
    Instant now = begin();
    return waiters.completion(accountId, () -> accounts.account(accountId, now).orElse(null));
  }

  /** Expires the account's link now if its TTL has passed by the engine clock. */
  void expireIfDue(String accountId) {
    accounts.account(accountId, config.now());
  }

  Instant now() {
    return config.now();
  }

  EngineConfig config() {
    return config;
  }

  ProviderRegistry registry() {
    return registry;
  }

  ConnectionStore store() {
    return store;
  }

  Listeners listeners() {
    return listeners;
  }

  SessionDirectory sessions() {
    return sessions;
  }

  LinkIssuer links() {
    return links;
  }

  ToolkitConnections connections() {
    return connections;
  }

  CallbackCompleter callbacks() {
    return callbacks;
  }

  ConnectLinkForms forms() {
    return forms;
  }

  AccountAdmin accounts() {
    return accounts;
  }

  CredentialRefresher credentials() {
    return credentials;
  }

  Maintenance maintenance() {
    return maintenance;
  }

  ConnectionWaiters waiters() {
    return waiters;
  }

  MetaTools metaTools() {
    return metaTools;
  }

  ConnectionChecks checks() {
    return checks;
  }
}

package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a host does to accounts directly: read them (a due link reads, and is announced, as
 * EXPIRED), list them, disable, enable and delete them. Thread-safe.
 */
final class AccountAdmin {
  private final EngineConfig config;
  private final ConnectionStore store;
  private final SlotTransaction tx;

  AccountAdmin(EngineConfig config, ConnectionStore store, SlotTransaction tx) {
    this.config = config;
    this.store = store;
    this.tx = tx;
  }

  /** The account with any due link expiry applied first, so reads never show a stale INITIATED. */
  Optional<StoredAccount> account(String id, Instant now) {
    Optional<StoredAccount> r = store.account(id);
    if (r.isPresent() && r.get().linkExpiredAt(now)) {
      StoredAccount due = r.get();
      return tx.run(due.userId(), due.toolkit(), now, d -> {
        ConnectionRules.housekeep(d, config.linkTtl());
        return d.find(id);
      });
    }
    return r;
  }

  List<ConnectedAccount> accounts(AccountQuery query, Instant now) {
    Objects.requireNonNull(query, "query");
    List<StoredAccount> candidates = query.userId().map(store::accountsOf).orElseGet(store::allAccounts);
    List<ConnectedAccount> out = new ArrayList<>();
    for (StoredAccount a : candidates) {
      StoredAccount current = a.linkExpiredAt(now) ? account(a.id(), now).orElse(null) : a;
      if (current != null && query.matches(current)) {
        out.add(current.view());
      }
    }
    return out;
  }

  ConnectedAccount disable(String id, Instant now) {
    return change(id, new AccountEvent.Disabled(), now);
  }

  ConnectedAccount enable(String id, Instant now) {
    return change(id, new AccountEvent.Enabled(), now);
  }

  private ConnectedAccount change(String id, AccountEvent event, Instant now) {
    StoredAccount r = account(id, now).orElseThrow(() -> new AccountNotFoundException(id));
    return tx.run(r.userId(), r.toolkit(), now, d -> {
      StoredAccount current = d.find(id).orElseThrow(() -> new AccountNotFoundException(id));
      return ConnectionRules.change(d, current, event).getOrElseThrow((String why) -> new IllegalStateException(why));
    }).view();
  }

  boolean delete(String id, Instant now) {
    Optional<StoredAccount> r = store.account(id);
    return r.isPresent() && tx.run(r.get().userId(), r.get().toolkit(), now, d -> ConnectionRules.delete(d, id));
  }
}

/**
 * The store SPI: where an engine keeps sessions, connected accounts and pending flows.
 *
 * <ul>
 *   <li>{@link dev.tether.core.store.ConnectionStore} — the interface a store implements: slot
 *       commits against a version, exactly-once flow claims, refresh leases, time-based queries and
 *       a change feed;
 *   <li>{@link dev.tether.core.store.StoredSession}, {@link dev.tether.core.store.StoredAccount},
 *       {@link dev.tether.core.store.StoredFlow} — the immutable values it keeps;
 *   <li>{@link dev.tether.core.store.Slot}, {@link dev.tether.core.store.SlotCommit} — one (user,
 *       toolkit) pair as read, and one atomic change to it;
 *   <li>{@link dev.tether.core.store.FlowClaim} — the answer to a claim;
 *   <li>{@link dev.tether.core.store.StoreListener} — the change feed;
 *   <li>{@link dev.tether.core.store.ConnectionStores} — the in-memory store, the default.
 * </ul>
 *
 * <p>Give a store to {@code Tether.builder().store(...)}; prove a new one with {@code
 * tether-testkit}'s {@code ConnectionStoreContract}.
 */
package dev.tether.core.store;

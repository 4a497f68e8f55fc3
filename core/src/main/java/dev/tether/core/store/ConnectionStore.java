package dev.tether.core.store;

import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.spi.AuthorizationLink;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where an engine keeps its state: sessions, connected accounts with their credentials, and the
 * pending flows of issued links. In memory by default ({@link ConnectionStores#inMemory()}); a
 * database can implement it, and then several engines (one per application node) share one store.
 *
 * <p>The store speaks in plain immutable values and explicit operations, so an implementation
 * never relies on object identity, in-JVM futures or a cache's eviction callbacks:
 *
 * <ul>
 *   <li><b>Slots.</b> Every change to one (user, toolkit) pair's accounts is a {@link SlotCommit}
 *       against the {@link Slot} it was decided on: the store applies it whole, or refuses it
 *       whole when the pair changed since (the engine then reads again and decides again).
 *   <li><b>Flows.</b> A link's flow is claimed exactly once across every engine ({@link
 *       #claimFlow}); the claimant completes it with an outcome every later claim gets, or
 *       releases it after a transient failure. A claim lapses at its lease end, so a node that
 *       died mid-exchange does not block the user's retry.
 *   <li><b>Refresh leases.</b> One caller in a cluster refreshes an account's token ({@link
 *       #tryLease}); the others wait for its change on the feed.
 *   <li><b>Time.</b> The store reads no clock: every query and lease takes the engine's time.
 *   <li><b>Change feed.</b> Whatever one engine commits reaches every engine's {@link
 *       StoreListener}, once, after it is durable.
 *   <li><b>Failures.</b> A store whose backing is out of reach throws a retryable {@link
 *       StoreException}, and only when the operation wrote nothing or all of it: the engine runs a
 *       slot transaction again from the read (three attempts in all), and a decision made after a
 *       commit that may have been written answers a change the slot already shows as done.
 * </ul>
 *
 * <p>Implementations are thread-safe, and safe to share between engines; a store that cannot be
 * shared says so. Credentials, states, verifiers and bearers are secrets: a durable store encrypts
 * them at rest and never logs them. {@code testkit}'s {@code ConnectionStoreContract} checks every
 * promise made here; run it against your store.
 */
public interface ConnectionStore {
  // ---------------------------------------------------------------- sessions

  /**
   * Stores a new session.
   *
   * @param session the session
   */
  void putSession(StoredSession session);

  /**
   * The session with this id, whatever its age (the engine decides idle expiry from {@link
   * StoredSession#lastUsedAt()}).
   *
   * @param sessionId the id
   * @return the session, or empty when it never existed or was removed
   */
  Optional<StoredSession> session(String sessionId);

  /**
   * Records that a session was used at {@code at}; a later time than the stored one wins, an
   * earlier one is ignored. The engine calls this on every use whose time moved on, and decides
   * idle expiry from {@link StoredSession#lastUsedAt()}: a store that cannot afford a write per use
   * (a database) may record only one use per interval, and then says how late a session may idle
   * out.
   *
   * @param sessionId the id
   * @param at when it was used
   */
  void touchSession(String sessionId, Instant at);

  /**
   * Removes sessions last used at or before {@code cutoff}, at most {@code limit} of them.
   *
   * @param cutoff the last use that counts as idle
   * @param limit the most to remove in this call
   * @return how many were removed
   */
  int removeSessionsIdleSince(Instant cutoff, int limit);

  // ---------------------------------------------------------------- accounts

  /**
   * One (user, toolkit) pair's accounts and version; an empty slot for a pair never connected. A
   * store shared by several handles may answer from a near cache that lags another handle's change
   * until its change feed delivers it (and should say how long that is); a commit made against such
   * a stale read is refused, and the next read must see the change.
   *
   * @param userId the end user
   * @param toolkit the toolkit slug
   * @return the slot as it is now
   */
  Slot slot(String userId, String toolkit);

  /**
   * Applies {@code commit} if the pair is still as {@link SlotCommit#read()} saw it, then delivers
   * its events to every listener, and announces each flow the commit completes ({@link
   * StoreListener#flowSettled}). A pair emptied and filled again since the read is not as it saw
   * it. One thread's commits are heard in the order it made them; commits racing on different
   * threads may be heard in either order.
   *
   * @param commit the change
   * @return true when applied; false when the pair changed meanwhile (nothing was applied)
   */
  boolean commit(SlotCommit commit);

  /**
   * The account with this id.
   *
   * @param accountId the id, {@code ca_…}
   * @return the account, or empty
   */
  Optional<StoredAccount> account(String accountId);

  /**
   * One user's accounts, every toolkit, oldest first.
   *
   * @param userId the end user
   * @return a snapshot
   */
  List<StoredAccount> accountsOf(String userId);

  /**
   * Every account, oldest first.
   *
   * @return a snapshot
   */
  List<StoredAccount> allAccounts();

  /**
   * INITIATED accounts whose link expires at or before {@code at}, oldest expiry first, at most
   * {@code limit}. Links that expire within a second of each other may come in either order (the
   * in-memory store reports those one thread issued in the order it issued them). The list is a
   * hint: a commit racing the query may already have changed or removed an account in it, and the
   * engine expires each one in a slot transaction that decides on the slot as it then is.
   *
   * @param at the engine's time
   * @param limit the most to return
   * @return the accounts to expire
   */
  List<StoredAccount> linksExpiredBy(Instant at, int limit);

  /**
   * ACTIVE accounts whose access token expires at or before {@code at}, at most {@code limit}.
   *
   * @param at the engine's time plus how far ahead it refreshes
   * @param limit the most to return
   * @return the accounts to refresh
   */
  List<StoredAccount> refreshDueBy(Instant at, int limit);

  /**
   * Delivers an event that goes with no state change (a failed refresh that leaves the account
   * ACTIVE) to every listener.
   *
   * @param event the event
   */
  void announce(ConnectionEvent event);

  // ---------------------------------------------------------------- flows

  /**
   * The flow stored under {@code key}.
   *
   * @param key the state's selector
   * @return the flow, or empty when unknown or removed
   */
  Optional<StoredFlow> flow(String key);

  /**
   * Sets a flow's provider link once its connect-link form was submitted; the first link set wins.
   *
   * @param key the flow's key
   * @param link the link built from the form's values
   * @return the link in force (an earlier one wins), or empty when the flow is unknown
   */
  Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link);

  /**
   * Claims the right to complete a flow, exactly once across every engine sharing the store.
   *
   * @param key the flow's key
   * @param claimant a value unique to this attempt; no secret: a store may keep it as plain text
   * @param now the engine's time
   * @param leaseUntil when the claim lapses if neither completed nor released (a crashed node)
   * @return {@link FlowClaim.Kind#CLAIMED} for the one caller that may complete it; otherwise who
   *     holds it, or the outcome it got
   */
  FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil);

  /**
   * Completes a flow the caller claimed: every later claim gets {@code outcome}. Like a release
   * and a removal, it is announced to every listener ({@link StoreListener#flowSettled}).
   *
   * @param key the flow's key
   * @param claimant the claimant that holds the claim
   * @param outcome what every later callback with this state gets
   * @return false when the caller does not hold the claim (it lapsed), and nothing changed
   */
  boolean completeFlow(String key, String claimant, CallbackResult outcome);

  /**
   * Gives a claimed flow back after a transient failure, so the user's retry may claim it again,
   * and announces it to every listener ({@link StoreListener#flowSettled}) when the caller held it.
   *
   * @param key the flow's key
   * @param claimant the claimant that holds the claim
   */
  void releaseFlow(String key, String claimant);

  /**
   * Removes flows whose link expired at or before {@code at}, at most {@code limit}, announcing each
   * to every listener ({@link StoreListener#flowSettled}: a callback waiting on its claim stops).
   *
   * @param at the engine's time
   * @param limit the most to remove
   * @return how many were removed
   */
  int removeFlowsExpiredBy(Instant at, int limit);

  // ---------------------------------------------------------------- refresh leases

  /**
   * Takes the refresh lease of an account: free, lapsed, or already held by {@code holder}.
   *
   * @param accountId the account
   * @param holder a value unique to this attempt; no secret: a store may keep it as plain text
   * @param now the engine's time
   * @param until when the lease lapses if not released
   * @return whether {@code holder} now holds it
   */
  boolean tryLease(String accountId, String holder, Instant now, Instant until);

  /**
   * Gives a lease back; does nothing when {@code holder} does not hold it.
   *
   * @param accountId the account
   * @param holder the holder
   */
  void releaseLease(String accountId, String holder);

  // ---------------------------------------------------------------- change feed

  /**
   * Subscribes to every change made through any handle on this store's backing.
   *
   * @param listener called for each change, after it is durable
   * @return closing it unsubscribes
   */
  Subscription subscribe(StoreListener listener);

  /** An active subscription to the change feed. */
  interface Subscription extends AutoCloseable {
    /** Stops the deliveries. */
    @Override
    void close();
  }
}

package dev.tether.core;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one seam behind which all engine state lives. In memory today; a shared or persistent store
 * can implement it later without touching the state machine or the engine's rules.
 *
 * <p>Contract: account records and flows are immutable values or safely published; every change
 * to a (user, toolkit) pair's accounts happens inside {@link #withSlot}, which gives mutual
 * exclusion per pair at least (the in-memory store locks per user; a distributed store would take a
 * lock or use compare-and-set there). Actions must not call {@code withSlot} again.
 */
interface EngineStore {
  void putSession(SessionRecord session);

  /** The session if it exists and has not idled out; reading it counts as activity. */
  Optional<SessionRecord> session(String id);

  Optional<AccountRecord> account(String id);

  /**
   * Runs {@code action} with exclusive access to the accounts of one (user, toolkit) pair.
   *
   * @param create false to skip creating an empty slot (the action then sees an empty, read-only one)
   */
  <T> T withSlot(String userId, String toolkit, boolean create, Function<Slot, T> action);

  /**
   * A consistent snapshot of one (user, toolkit) pair's accounts, oldest first, read without
   * taking the pair's lock (it may be a moment old; decisions that change state take the lock).
   */
  List<AccountRecord> snapshot(String userId, String toolkit);

  /** A snapshot of one user's accounts, oldest first. */
  List<AccountRecord> accountsOf(String userId);

  /** A snapshot of every account. */
  List<AccountRecord> allAccounts();

  void putFlow(PendingFlow flow);

  /** The flow stored under {@code key} (its state's selector), unless its link TTL has passed. */
  Optional<PendingFlow> flow(String key);

  /** Performs pending expiry now (expired flows are reported to the engine's expiry sink). */
  void cleanUp();

  /** The accounts of one (user, toolkit) pair; valid only inside {@link #withSlot}. */
  interface Slot {
    /** The pair's accounts, oldest first. */
    List<AccountRecord> accounts();

    /** Adds or replaces a record. */
    void put(AccountRecord record);

    /** Removes a record and its credentials. */
    void remove(String accountId);
  }
}

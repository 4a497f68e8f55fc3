package dev.tether.core.store;

import java.util.List;
import java.util.Objects;

/**
 * What a store holds for one (user, toolkit) pair at the moment it was read: the pair's accounts,
 * oldest first, and the version a {@link SlotCommit} is checked against. Immutable.
 *
 * @param userId the end user
 * @param toolkit the toolkit slug
 * @param accounts the pair's accounts, oldest first (empty for a pair never connected)
 * @param version the store's version of the pair when read: a row version for a database, or 0
 *     for a store that checks a commit against the very accounts it handed out (the in-memory one)
 */
public record Slot(String userId, String toolkit, List<StoredAccount> accounts, long version) {
  /**
   * Checks and copies.
   *
   * @param accounts the pair's accounts, oldest first (empty for a pair never connected)
   * @param toolkit the toolkit slug
   * @param userId the end user
   * @param version the store's version of the pair when read: a row version for a database, or 0 for a store that checks a commit against the very accounts it handed out (the in-memory one)
   */
  public Slot {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    accounts = List.copyOf(accounts);
  }

  /**
   * An empty pair at version 0.
   *
   * @param toolkit the toolkit slug
   * @param userId the end user
   * @return a slot with no accounts
   */
  public static Slot empty(String userId, String toolkit) {
    return new Slot(userId, toolkit, List.of(), 0);
  }
}

package dev.tether.core;

import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.Slugs;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Sessions: created with checked options, read with idle expiry decided from their last use. Each
 * use is reported to the store ({@link ConnectionStore#touchSession}), which records it as cheaply
 * as it can: the in-memory store exactly, a database at most so often. Thread-safe.
 */
final class SessionDirectory {
  private final ConnectionStore store;
  private final ProviderRegistry registry;
  private final Ids ids;
  private final EngineConfig config;

  SessionDirectory(ConnectionStore store, ProviderRegistry registry, Ids ids, EngineConfig config) {
    this.store = store;
    this.registry = registry;
    this.ids = ids;
    this.config = config;
  }

  /**
   * Creates a session.
   *
   * @throws IllegalArgumentException naming the problem; nothing is stored then
   */
  StoredSession create(String userId, SessionOptions options, Instant now) {
    requireUserId(userId);
    Objects.requireNonNull(options, "options");
    options.callbackUrl().ifPresent(config.callbackUrls()::validate);
    for (String slug : options.enabledToolkits()) {
      requireKnown(slug, "toolkits allow-list");
    }
    for (String slug : options.disabledToolkits()) {
      requireKnown(slug, "toolkits deny-list");
    }
    options.pinnedAccounts().forEach((toolkit, accountId) -> {
      StoredAccount pinned = store.account(accountId).orElseThrow(() -> new IllegalArgumentException(
          "Pinned account '" + accountId + "' for toolkit '" + toolkit + "' does not exist; pin an "
              + "account listed by tether.accounts(AccountQuery.ofUser(\"" + userId + "\"))"));
      if (!pinned.userId().equals(userId) || !pinned.toolkit().equals(toolkit)) {
        throw new IllegalArgumentException("Pinned account '" + accountId + "' belongs to another user "
            + "or toolkit than ('" + userId + "', '" + toolkit + "'); pin one of this user's '" + toolkit
            + "' accounts");
      }
    });
    StoredSession session = new StoredSession(ids.sessionId(), userId, options, now, now, ids.bearer());
    store.putSession(session);
    return session;
  }

  /** The session unless it idled out or never existed; a use now. */
  Optional<StoredSession> find(String id, Instant now) {
    if (id == null) {
      return Optional.empty();
    }
    Optional<StoredSession> found = store.session(id);
    if (found.isEmpty()) {
      return found;
    }
    StoredSession s = found.get();
    long idle = nanosBetween(s.lastUsedAt(), now);
    if (idle >= config.sessionIdleTimeout().toNanos()) {
      return Optional.empty();
    }
    if (idle > 0) {
      store.touchSession(id, now);
    }
    return found;
  }

  /** The session, or {@link SessionExpiredException}. */
  StoredSession require(String id, Instant now) {
    return find(id, now).orElseThrow(() -> new SessionExpiredException(id));
  }

  /** {@code Duration.between(from, to).toNanos()} without allocating (saturating far apart). */
  private static long nanosBetween(Instant from, Instant to) {
    long seconds = to.getEpochSecond() - from.getEpochSecond();
    if (Math.abs(seconds) > Long.MAX_VALUE / 1_000_000_000L - 1) {
      return seconds > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + (to.getNano() - from.getNano());
  }

  private void requireKnown(String slug, String where) {
    if (registry.find(slug).isEmpty()) {
      throw new IllegalArgumentException("Unknown toolkit '" + slug + "' in the session's " + where
          + "; available toolkits: " + registry.describeAvailable(registry.slugs()));
    }
  }

  private static void requireUserId(String userId) {
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank() || userId.length() > 256) {
      throw new IllegalArgumentException("userId must be 1 to 256 non-blank characters, got '"
          + Slugs.abbreviate(userId) + "'");
    }
    // It is shown in messages and logs (a line break would forge a line there) and keyed in stores
    // (PostgreSQL's text refuses U+0000).
    for (int i = 0; i < userId.length(); i++) {
      char c = userId.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        throw new IllegalArgumentException("userId must not contain control characters; it has U+"
            + String.format("%04X", (int) c) + " at index " + i + ": pass the host's own id for the user, "
            + "such as \"user_123\"");
      }
    }
  }
}

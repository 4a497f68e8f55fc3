package dev.tether.core.store;

import dev.tether.core.SessionOptions;
import dev.tether.spi.Secret;
import java.time.Instant;
import java.util.Objects;

/**
 * What a store keeps of a session. Immutable; {@link #toString()} hides the bearer.
 *
 * @param id the session id, {@code trs_…}
 * @param userId the end user
 * @param options the options it was created with
 * @param createdAt when it was created
 * @param lastUsedAt when it was last used, as far as the store knows (the engine reports every use
 *     whose time moved on; a store may record fewer, see {@link ConnectionStore#touchSession})
 * @param bearer the secret a client presents with the session's MCP URL; a store keeps it like a
 *     credential (encrypted at rest)
 */
public record StoredSession(String id, String userId, SessionOptions options, Instant createdAt, Instant lastUsedAt,
    Secret bearer) {
  /**
   * Checks that nothing is null.
   *
   * @param bearer the secret a client presents with the session's MCP URL; a store keeps it like a credential (encrypted at rest)
   * @param createdAt when it was created
   * @param id the session id, {@code trs_…}
   * @param lastUsedAt when it was last used, as far as the store knows
   * @param options the options it was created with
   * @param userId the end user
   */
  public StoredSession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(lastUsedAt, "lastUsedAt");
    Objects.requireNonNull(bearer, "bearer");
  }

  /**
   * The same session, used at {@code at}.
   *
   * @param at when it was used
   * @return a copy with {@code at} as its last use
   */
  public StoredSession usedAt(Instant at) {
    return new StoredSession(id, userId, options, createdAt, at, bearer);
  }

  @Override
  public String toString() {
    return "StoredSession[" + id + ", user=" + userId + ", lastUsedAt=" + lastUsedAt + "]";
  }
}

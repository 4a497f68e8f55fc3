package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.Secret;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tether_session} table: sessions with their bearer sealed, read through the near
 * cache, and a use recorded at most once per touch interval (a use at {@code t} counts until
 * {@code t} plus the interval, so a session idles out at most one interval late, never early).
 * Thread-safe.
 */
final class SessionRows {
  private final Jdbc db;
  private final RowCipher cipher;
  private final Notices notices;
  private final String channel;
  private final String sessions;
  private final Duration touchInterval;
  private final NearCache<String, StoredSession> sessionCache;

  SessionRows(Tables t, Notices notices, Duration touchInterval, NearCache<String, StoredSession> cache) {
    this.db = t.db();
    this.cipher = t.cipher();
    this.notices = notices;
    this.channel = t.channel();
    this.sessions = t.sessions();
    this.touchInterval = touchInterval;
    this.sessionCache = cache;
  }

  void putSession(StoredSession s) {
    Objects.requireNonNull(s, "session");
    byte[] sealed = cipher.seal("tether_session", s.id(), RowCodec.bytes(
        RowCodec.JSON.createObjectNode().put("bearer", s.bearer().reveal())));
    long writeStartedAt = sessionCache.generation();
    db.call("store session " + s.id(), c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO " + sessions + " (id, user_id, options, "
          + "created_at_ns, last_used_at_ns, key_id, secrets) VALUES (?, ?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT (id) "
          + "DO UPDATE SET user_id = EXCLUDED.user_id, options = EXCLUDED.options, created_at_ns = "
          + "EXCLUDED.created_at_ns, last_used_at_ns = EXCLUDED.last_used_at_ns, key_id = EXCLUDED.key_id, "
          + "secrets = EXCLUDED.secrets")) {
        p.setString(1, s.id());
        p.setString(2, s.userId());
        p.setString(3, RowCodec.options(s.options()));
        p.setLong(4, RowCodec.nanos(s.createdAt()));
        p.setLong(5, RowCodec.nanos(s.lastUsedAt()));
        p.setString(6, cipher.currentKeyId());
        p.setBytes(7, sealed);
        return p.executeUpdate();
      }
    });
    sessionCache.replace(s.id(), s, writeStartedAt); // what the database held at the write
  }

  Optional<StoredSession> session(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    StoredSession cached = sessionCache.get(sessionId);
    if (cached != null) {
      return Optional.of(cached);
    }
    long generation = sessionCache.generation();
    Optional<StoredSession> read = db.call("read session " + sessionId, c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT id, user_id, options, created_at_ns, last_used_at_ns, "
          + "key_id, secrets FROM " + sessions + " WHERE id = ?")) {
        p.setString(1, sessionId);
        try (ResultSet r = p.executeQuery()) {
          if (!r.next()) {
            return Optional.empty();
          }
          JsonNode secrets = RowCodec.parse(cipher.open("tether_session", sessionId, r.getString("key_id"),
              r.getBytes("secrets")));
          return Optional.of(new StoredSession(sessionId, r.getString("user_id"),
              RowCodec.options(r.getString("options")), RowCodec.instant(r.getLong("created_at_ns")),
              RowCodec.instant(r.getLong("last_used_at_ns")), Secret.of(secrets.get("bearer").asText())));
        }
      }
    });
    read.ifPresent(found -> sessionCache.put(sessionId, found, generation));
    return read;
  }

  /**
   * Records a use at {@code at} as a use until {@code at} plus the session-touch interval, unless
   * the session is already recorded as used at or after {@code at}: one write per interval at
   * most. A session therefore idles out at most one interval late (see the class comment).
   *
   * @param sessionId the id
   * @param at when it was used
   */
  void touchSession(String sessionId, Instant at) {
    Objects.requireNonNull(sessionId, "sessionId");
    long atNanos = RowCodec.nanos(at);
    Instant until = RowCodec.instant(RowCodec.nanosSaturated(at.plus(touchInterval)));
    StoredSession cached = sessionCache.get(sessionId);
    if (cached != null && !cached.lastUsedAt().isBefore(at)) {
      return; // already recorded as used until then
    }
    long writeStartedAt = sessionCache.generation();
    boolean written = db.call("record a use of session " + sessionId, c -> {
      try (PreparedStatement p = c.prepareStatement("WITH used AS (UPDATE " + sessions + " SET last_used_at_ns = ? "
          + "WHERE id = ? AND last_used_at_ns < ? RETURNING id) SELECT count(*) FROM (SELECT pg_notify(?, ?) FROM "
          + "used) AS sent")) {
        p.setLong(1, RowCodec.nanos(until));
        p.setString(2, sessionId);
        p.setLong(3, atNanos);
        p.setString(4, channel);
        p.setString(5, notices.touched(sessionId));
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getLong(1) == 1;
        }
      }
    });
    if (written && cached != null) {
      sessionCache.replace(sessionId, cached.usedAt(until), writeStartedAt);
    } else {
      sessionCache.invalidate(sessionId);
    }
  }

  int removeSessionsIdleSince(Instant cutoff, int limit) {
    List<String> removed = db.call("remove idle sessions", c -> {
      // Every other node drops the session from its near cache, in the same statement.
      try (PreparedStatement p = c.prepareStatement("WITH gone AS (DELETE FROM " + sessions + " WHERE id IN (SELECT "
          + "id FROM " + sessions + " WHERE last_used_at_ns <= ? ORDER BY last_used_at_ns LIMIT ? FOR UPDATE SKIP "
          + "LOCKED) RETURNING id) SELECT gone.id, (SELECT count(*) FROM (SELECT pg_notify(?, json_build_object('o', "
          + "?::text, 't', gone.id)::text)) AS sent) FROM gone")) {
        p.setLong(1, RowCodec.nanos(cutoff));
        p.setInt(2, limit);
        p.setString(3, channel);
        p.setString(4, notices.origin());
        try (ResultSet r = p.executeQuery()) {
          List<String> ids = new ArrayList<>();
          while (r.next()) {
            ids.add(r.getString(1));
          }
          return ids;
        }
      }
    });
    removed.forEach(sessionCache::invalidate);
    return removed.size();
  }
}

package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoreListener;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;

/**
 * A {@link ConnectionStore} on PostgreSQL, over plain JDBC and the host's {@link DataSource}: give
 * each application node's engine its own instance on the same database and schema, and the nodes
 * share their users (BEHAVIOUR.md §10).
 *
 * <pre>{@code
 * ConnectionStore store = PostgresConnectionStore.builder(dataSource)
 *     .encryptionKey("2026-01", aes256Key)     // encrypts new secrets
 *     .decryptionKey("2025-07", olderKey)      // still readable, until reencrypt() has run
 *     .build();                                // migrates the schema unless told not to
 * Tether tether = Tether.builder().store(store)...build();
 * }</pre>
 *
 * <p><b>How it keeps the SPI's promises.</b> Each operation is one SQL statement in auto-commit
 * (atomic on its own; no row lock outlives it, and none is ever held across a provider call):
 * <ul>
 *   <li>a slot commit bumps the pair's row in {@code tether_slot} ({@code UPDATE … SET version =
 *       version + 1 WHERE … AND version = ?}, or an insert for a new pair) and, only if that
 *       matched, writes the accounts, flows and the change-feed notices in the same statement;
 *   <li>a flow claim is a conditional {@code UPDATE} of the flow's row (unclaimed, lapsed or ours,
 *       and not completed), so exactly one caller of any node wins;
 *   <li>a refresh lease is an upsert of {@code tether_refresh_lease} that takes the row only when
 *       it is free, lapsed or already ours;
 *   <li>the sweeps ({@link #linksExpiredBy}, {@link #refreshDueBy}, the removals) pick rows with
 *       {@code FOR UPDATE SKIP LOCKED} and a {@code LIMIT}; the engine commits each expiry against
 *       the slot version, so one node announces it;
 *   <li>the change feed is {@code LISTEN/NOTIFY}: every commit notifies, in the same transaction,
 *       with the events as JSON (split below PostgreSQL's 8000-byte payload limit); each instance
 *       keeps one dedicated connection listening, reconnects when it drops and then calls every
 *       listener's {@link StoreListener#resynchronize()}, as it also does every
 *       {@linkplain Builder#resyncInterval resync interval} in case a notification was lost.
 *       Listeners of this instance hear its own changes synchronously, on the committing thread.
 * </ul>
 *
 * <p><b>Secrets at rest.</b> Credentials, session bearers and a flow's state, verifier and provider
 * link (with its flow state) are encrypted with AES-256-GCM: a fresh 96-bit nonce per write, the
 * key id stored beside the ciphertext, and the row's table and id as associated data, so a
 * ciphertext copied to another row does not decrypt. A flow is found by its key (the state's
 * public selector); the full state is only in the ciphertext. Reads accept the encryption key and
 * every decryption key; {@link #reencrypt(int)} moves old rows to the current key. A row whose key
 * is missing, or that does not authenticate, is refused with a {@link StoreKeyException} naming
 * the key id. Events, logs and exceptions never carry a secret.
 *
 * <p><b>Near cache.</b> {@link #slot} (the hot read: "is this user connected to these toolkits?")
 * and {@link #session} are served from memory while the change feed is up. This instance's own
 * commits replace their pair's entry with exactly what they wrote; a conflicting commit drops it;
 * another node's commit to the pair, or its recorded use of a session, drops it when its
 * notification arrives. <em>Staleness bound:</em> after another node changes a pair, this instance
 * may return the pair's previous slot (or a session's previous last use) until that change's
 * notification arrives: one notification delay, normally well under a millisecond on one network.
 * A decision taken on such a slot only fails its commit and is taken again on a fresh read; account
 * reads ({@link #account}) and flow claims always go to the database. While the feed's connection
 * is down the cache is emptied and not used. {@link Builder#nearCache(int) nearCache(0)} turns it
 * off.
 *
 * <p><b>Session uses.</b> {@link #touchSession} writes at most once per {@linkplain
 * Builder#sessionTouchInterval session-touch interval} (default one minute): a use at {@code t}
 * records the session as used until {@code t + interval}, and the engine reports no further use
 * until then. So {@link StoredSession#lastUsedAt()} may read up to one interval ahead of the last
 * real use, and a session idles out at most one interval late, never early.
 *
 * <p><b>Failures.</b> A database failure is a {@link PostgresStoreException}; {@link
 * PostgresStoreException#isRetryable()} is true for a lost connection, an exhausted pool or a
 * server shutting down. Every change is a single statement, so a failure leaves it applied whole or
 * not at all; when the connection drops while a commit is in flight (applied or not, nobody can
 * tell), this instance's listeners are told to {@linkplain StoreListener#resynchronize()
 * re-check}. The engine recovers by itself once the database is back.
 *
 * <p>Thread-safe; one instance per engine, any number of instances per database. Close it when
 * the engine is no longer used, to stop the change feed's thread and give its connection back.
 */
public final class PostgresConnectionStore implements ConnectionStore, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(PostgresConnectionStore.class.getName());
  /** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; leave room. */
  private static final int MAX_PAYLOAD_BYTES = 7800;
  private static final String ACCOUNT_COLUMNS = "id, user_id, toolkit, status, exclusive, created_at_ns, "
      + "updated_at_ns, connected_at_ns, status_reason, link_id, link_expires_at_ns, has_credentials, "
      + "credentials_expire_at_ns, key_id, secrets";
  private static final String ACCOUNT_VALUES = "(?::text, ?::text, ?::text, ?::text, ?::boolean, ?::bigint, "
      + "?::bigint, ?::bigint, ?::text, ?::text, ?::bigint, ?::boolean, ?::bigint, ?::text, ?::bytea)";
  private static final String FLOW_COLUMNS = "key, account_id, user_id, toolkit, redirect_uri, callback_url, form, "
      + "expires_at_ns, exclusive, has_link, key_id, secrets";
  private static final String FLOW_VALUES = "(?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb, "
      + "?::bigint, ?::boolean, ?::boolean, ?::text, ?::bytea)";

  private final Jdbc db;
  private final String schema;
  private final String channel;
  private final String origin;
  private final RowCipher cipher;
  private final NearCache<PairKey, Slot> cache;
  private final NearCache<String, StoredSession> sessionCache;
  private final Duration touchInterval;
  private final ChangeFeed feed;
  private final CopyOnWriteArrayList<StoreListener> listeners = new CopyOnWriteArrayList<>();
  // Qualified table names.
  private final String sessions;
  private final String slots;
  private final String accounts;
  private final String flows;
  private final String leases;

  private PostgresConnectionStore(Builder b, RowCipher cipher) {
    this.db = new Jdbc(b.dataSource);
    this.schema = b.schema;
    this.channel = "tether_feed_" + b.schema;
    this.origin = randomOrigin();
    this.cipher = cipher;
    this.cache = new NearCache<>(b.nearCacheSize);
    this.sessionCache = new NearCache<>(b.nearCacheSize);
    this.touchInterval = b.touchInterval;
    String q = Migrations.quote(schema) + ".";
    this.sessions = q + "tether_session";
    this.slots = q + "tether_slot";
    this.accounts = q + "tether_account";
    this.flows = q + "tether_flow";
    this.leases = q + "tether_refresh_lease";
    this.feed = new ChangeFeed(b.listenerDataSource != null ? b.listenerDataSource : b.dataSource, channel,
        new FeedSink(), b.resyncInterval, "tether-store-feed-" + schema + "-" + origin);
  }

  /**
   * Starts configuring a store on {@code dataSource}.
   *
   * @param dataSource the host's data source for the database, pooled as it likes; not null. The
   *     change feed keeps one of its connections for as long as the store is open (see {@link
   *     Builder#listenerDataSource})
   * @return a new builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public void putSession(StoredSession s) {
    Objects.requireNonNull(s, "session");
    byte[] sealed = cipher.seal("tether_session", s.id(), RowCodec.bytes(
        RowCodec.JSON.createObjectNode().put("bearer", s.bearer().reveal())));
    long generation = sessionCache.generation();
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
    sessionCache.put(s.id(), s, generation); // exactly what the database now holds
  }

  @Override
  public Optional<StoredSession> session(String sessionId) {
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
  @Override
  public void touchSession(String sessionId, Instant at) {
    Objects.requireNonNull(sessionId, "sessionId");
    long atNanos = RowCodec.nanos(at);
    Instant until = RowCodec.instant(RowCodec.nanosSaturated(at.plus(touchInterval)));
    StoredSession cached = sessionCache.get(sessionId);
    if (cached != null && !cached.lastUsedAt().isBefore(at)) {
      return; // already recorded as used until then
    }
    long generation = sessionCache.generation();
    boolean written = db.call("record a use of session " + sessionId, c -> {
      try (PreparedStatement p = c.prepareStatement("WITH used AS (UPDATE " + sessions + " SET last_used_at_ns = ? "
          + "WHERE id = ? AND last_used_at_ns < ? RETURNING id) SELECT count(*) FROM (SELECT pg_notify(?, ?) FROM "
          + "used) AS sent")) {
        p.setLong(1, RowCodec.nanos(until));
        p.setString(2, sessionId);
        p.setLong(3, atNanos);
        p.setString(4, channel);
        p.setString(5, RowCodec.text(RowCodec.JSON.createObjectNode().put("o", origin).put("t", sessionId)));
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getLong(1) == 1;
        }
      }
    });
    if (written && cached != null) {
      sessionCache.put(sessionId, cached.usedAt(until), generation);
    } else {
      sessionCache.invalidate(sessionId);
    }
  }

  @Override
  public int removeSessionsIdleSince(Instant cutoff, int limit) {
    List<String> removed = db.call("remove idle sessions", c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM " + sessions + " WHERE id IN (SELECT id FROM "
          + sessions + " WHERE last_used_at_ns <= ? ORDER BY last_used_at_ns LIMIT ? FOR UPDATE SKIP LOCKED) "
          + "RETURNING id")) {
        p.setLong(1, RowCodec.nanos(cutoff));
        p.setInt(2, limit);
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

  // ---------------------------------------------------------------- accounts

  @Override
  public Slot slot(String userId, String toolkit) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(toolkit, "toolkit");
    PairKey pair = new PairKey(userId, toolkit);
    Slot cached = cache.get(pair);
    if (cached != null) {
      return cached;
    }
    long generation = cache.generation();
    Slot read = db.call("read the accounts of ('" + userId + "', '" + toolkit + "')", c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT s.version AS slot_version, a.* FROM (SELECT ?::text AS u, "
          + "?::text AS t) k LEFT JOIN " + slots + " s ON s.user_id = k.u AND s.toolkit = k.t LEFT JOIN " + accounts
          + " a ON a.user_id = k.u AND a.toolkit = k.t ORDER BY a.created_at_ns, a.seq")) {
        p.setString(1, userId);
        p.setString(2, toolkit);
        try (ResultSet r = p.executeQuery()) {
          long version = 0;
          List<StoredAccount> found = new ArrayList<>(2);
          while (r.next()) {
            version = r.getLong("slot_version");
            if (r.getString("id") != null) {
              found.add(account(r));
            }
          }
          return new Slot(userId, toolkit, found, version);
        }
      }
    });
    cache.put(pair, read, generation);
    return read;
  }

  @Override
  public boolean commit(SlotCommit commit) {
    Objects.requireNonNull(commit, "commit");
    Slot read = commit.read();
    List<String> payloads = commit.events().isEmpty() && commit.put().isEmpty() && commit.remove().isEmpty()
        ? List.of() : notices(read, commit.events());
    Set<String> putIds = new LinkedHashSet<>();
    commit.put().forEach(a -> putIds.add(a.id()));
    List<String> removeIds = new ArrayList<>();
    for (String id : commit.remove()) {
      if (!putIds.contains(id)) {
        removeIds.add(id);
      }
    }
    StringBuilder sql = new StringBuilder("WITH ok AS (");
    if (read.version() == 0) {
      sql.append("INSERT INTO ").append(slots).append(" (user_id, toolkit, version) VALUES (?, ?, 1) ")
          .append("ON CONFLICT DO NOTHING RETURNING version)");
    } else {
      sql.append("UPDATE ").append(slots).append(" SET version = version + 1 WHERE user_id = ? AND toolkit = ? ")
          .append("AND version = ? RETURNING version)");
    }
    if (!removeIds.isEmpty()) {
      sql.append(", gone AS (DELETE FROM ").append(accounts).append(" WHERE user_id = ? AND toolkit = ? AND id = ")
          .append("ANY (?::text[]) AND EXISTS (SELECT 1 FROM ok)), unleased AS (DELETE FROM ").append(leases)
          .append(" WHERE account_id = ANY (?::text[]) AND EXISTS (SELECT 1 FROM ok))");
    }
    if (!commit.put().isEmpty()) {
      sql.append(", put AS (INSERT INTO ").append(accounts).append(" (").append(ACCOUNT_COLUMNS)
          .append(") SELECT * FROM (VALUES ");
      for (int i = 0; i < commit.put().size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(ACCOUNT_VALUES);
      }
      sql.append(") AS v (").append(ACCOUNT_COLUMNS).append(") WHERE EXISTS (SELECT 1 FROM ok) ON CONFLICT (id) ")
          .append("DO UPDATE SET ").append(excluded(ACCOUNT_COLUMNS, "id")).append(")");
    }
    if (!commit.flows().isEmpty()) {
      sql.append(", flows AS (INSERT INTO ").append(flows).append(" (").append(FLOW_COLUMNS)
          .append(") SELECT * FROM (VALUES ");
      for (int i = 0; i < commit.flows().size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(FLOW_VALUES);
      }
      sql.append(") AS v (").append(FLOW_COLUMNS).append(") WHERE EXISTS (SELECT 1 FROM ok) ON CONFLICT (key) ")
          .append("DO UPDATE SET ").append(excluded(FLOW_COLUMNS, "key")).append(")");
    }
    sql.append(" SELECT ok.version");
    if (!payloads.isEmpty()) {
      sql.append(", (SELECT count(*) FROM (SELECT pg_notify(?, n.p) FROM unnest(?::text[]) AS n (p)) AS sent)");
    }
    sql.append(" FROM ok");
    PairKey pair = new PairKey(read.userId(), read.toolkit());
    long generation = cache.generation();
    boolean applied;
    try {
      applied = db.call("commit to the accounts of ('" + read.userId() + "', '" + read.toolkit() + "')", c -> {
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
          int i = 1;
          p.setString(i++, read.userId());
          p.setString(i++, read.toolkit());
          if (read.version() != 0) {
            p.setLong(i++, read.version());
          }
          if (!removeIds.isEmpty()) {
            p.setString(i++, read.userId());
            p.setString(i++, read.toolkit());
            p.setArray(i++, c.createArrayOf("text", removeIds.toArray(new String[0])));
            p.setArray(i++, c.createArrayOf("text", removeIds.toArray(new String[0])));
          }
          for (StoredAccount a : commit.put()) {
            i = bindAccount(p, i, a);
          }
          for (StoredFlow f : commit.flows()) {
            i = bindFlow(p, i, f);
          }
          if (!payloads.isEmpty()) {
            p.setString(i++, channel);
            p.setArray(i++, c.createArrayOf("text", payloads.toArray(new String[0])));
          }
          try (ResultSet r = p.executeQuery()) {
            return r.next();
          }
        }
      });
    } catch (PostgresStoreException e) {
      cache.invalidate(pair);
      if (e.isRetryable()) {
        resynchronizeLocally(); // it may have been applied: nobody here heard of it
      }
      throw e;
    }
    if (applied) {
      cache.put(pair, after(read, commit), generation); // exactly what the database now holds
    } else {
      cache.invalidate(pair); // the read was stale: the retry reads the database
    }
    if (applied) {
      for (ConnectionEvent event : commit.events()) {
        deliver(l -> l.accountChanged(event));
      }
    }
    return applied;
  }

  /**
   * The slot as a commit leaves it, in the database's order: accounts by creation time, then by
   * when their row was first written (a replaced account keeps its place, a new one comes last).
   */
  private static Slot after(Slot read, SlotCommit commit) {
    List<StoredAccount> accounts = new ArrayList<>(read.accounts());
    // As the statement does: an id both removed and put is replaced in place.
    accounts.removeIf(a -> commit.remove().contains(a.id()) && commit.put().stream().noneMatch(p -> p.id().equals(a.id())));
    for (StoredAccount put : commit.put()) {
      boolean replaced = false;
      for (int i = 0; i < accounts.size() && !replaced; i++) {
        if (accounts.get(i).id().equals(put.id())) {
          accounts.set(i, put);
          replaced = true;
        }
      }
      if (!replaced) {
        accounts.add(put);
      }
    }
    accounts.sort(java.util.Comparator.comparing(StoredAccount::createdAt)); // stable: ties keep their order
    return new Slot(read.userId(), read.toolkit(), accounts, read.version() + 1);
  }

  /** A (user, toolkit) pair, as the near cache's key. */
  private record PairKey(String userId, String toolkit) {}

  private static String excluded(String columns, String key) {
    StringBuilder b = new StringBuilder();
    for (String col : columns.split(",\\s*")) {
      if (!col.equals(key)) {
        b.append(b.length() == 0 ? "" : ", ").append(col).append(" = EXCLUDED.").append(col);
      }
    }
    return b.toString();
  }

  private int bindAccount(PreparedStatement p, int i, StoredAccount a) throws SQLException {
    p.setString(i++, a.id());
    p.setString(i++, a.userId());
    p.setString(i++, a.toolkit());
    p.setString(i++, a.status().name());
    p.setBoolean(i++, a.exclusive());
    p.setLong(i++, RowCodec.nanos(a.createdAt()));
    p.setLong(i++, RowCodec.nanos(a.updatedAt()));
    setLong(p, i++, a.connectedAt().map(RowCodec::nanos).orElse(null));
    p.setString(i++, a.statusReason().orElse(null));
    Optional<StoredAccount.Link> link = a.link();
    p.setString(i++, link.map(StoredAccount.Link::id).orElse(null));
    setLong(p, i++, link.map(l -> RowCodec.nanos(l.expiresAt())).orElse(null));
    p.setBoolean(i++, a.credentials().isPresent());
    setLong(p, i++, a.credentialsExpireAt().map(RowCodec::nanosSaturated).orElse(null));
    ObjectNode secrets = RowCodec.JSON.createObjectNode();
    a.credentials().ifPresent(c -> secrets.set("credentials", RowCodec.credentials(c)));
    link.ifPresent(l -> secrets.put("linkUrl", l.redirectUrl()));
    if (secrets.isEmpty()) {
      p.setNull(i++, Types.VARCHAR);
      p.setNull(i++, Types.BINARY);
    } else {
      p.setString(i++, cipher.currentKeyId());
      p.setBytes(i++, cipher.seal("tether_account", a.id(), RowCodec.bytes(secrets)));
    }
    return i;
  }

  private int bindFlow(PreparedStatement p, int i, StoredFlow f) throws SQLException {
    p.setString(i++, f.key());
    p.setString(i++, f.accountId());
    p.setString(i++, f.userId());
    p.setString(i++, f.toolkit());
    p.setString(i++, f.redirectUri().toString());
    p.setString(i++, f.callbackUrl().map(URI::toString).orElse(null));
    p.setString(i++, RowCodec.form(f.form()));
    p.setLong(i++, RowCodec.nanos(f.expiresAt()));
    p.setBoolean(i++, f.exclusive());
    p.setBoolean(i++, f.link().isPresent());
    p.setString(i++, cipher.currentKeyId());
    p.setBytes(i++, sealFlow(f.key(), f.state(), f.verifier(), f.link().orElse(null)));
    return i;
  }

  private byte[] sealFlow(String key, Secret state, Secret verifier, AuthorizationLink link) {
    ObjectNode secrets = RowCodec.JSON.createObjectNode().put("state", state.reveal()).put("verifier",
        verifier.reveal());
    if (link != null) {
      secrets.set("link", RowCodec.link(link));
    }
    return cipher.seal("tether_flow", key, RowCodec.bytes(secrets));
  }

  private static void setLong(PreparedStatement p, int i, Long value) throws SQLException {
    if (value == null) {
      p.setNull(i, Types.BIGINT);
    } else {
      p.setLong(i, value);
    }
  }

  private StoredAccount account(ResultSet r) throws SQLException {
    String id = r.getString("id");
    StoredAccount.Builder b = StoredAccount.builder(id, r.getString("user_id"), r.getString("toolkit"),
        ConnectionStatus.valueOf(r.getString("status")), RowCodec.instant(r.getLong("created_at_ns")));
    b.updatedAt(RowCodec.instant(r.getLong("updated_at_ns")));
    long connected = r.getLong("connected_at_ns");
    b.connectedAt(r.wasNull() ? null : RowCodec.instant(connected));
    b.exclusive(r.getBoolean("exclusive"));
    b.statusReason(r.getString("status_reason"));
    byte[] sealed = r.getBytes("secrets");
    JsonNode secrets = sealed == null ? null
        : RowCodec.parse(cipher.open("tether_account", id, r.getString("key_id"), sealed));
    String linkId = r.getString("link_id");
    if (linkId != null) {
      JsonNode url = secrets == null ? null : secrets.get("linkUrl");
      if (url == null) {
        throw new IllegalStateException("Account " + id + " has a link without its URL: the row was altered");
      }
      b.link(linkId, RowCodec.instant(r.getLong("link_expires_at_ns")), url.asText());
    }
    if (r.getBoolean("has_credentials")) {
      JsonNode c = secrets == null ? null : secrets.get("credentials");
      if (c == null) {
        throw new IllegalStateException("Account " + id + " has credentials without their ciphertext: the row was "
            + "altered");
      }
      b.credentials(RowCodec.credentials(c));
    }
    return b.build();
  }

  @Override
  public Optional<StoredAccount> account(String accountId) {
    Objects.requireNonNull(accountId, "accountId");
    return db.call("read account " + accountId, c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM " + accounts
          + " WHERE id = ?")) {
        p.setString(1, accountId);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? Optional.of(account(r)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<StoredAccount> accountsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    return accounts("read the accounts of user '" + userId + "'", "WHERE user_id = ? ORDER BY created_at_ns, seq",
        p -> p.setString(1, userId));
  }

  @Override
  public List<StoredAccount> allAccounts() {
    return accounts("read every account", "ORDER BY created_at_ns, seq", p -> { });
  }

  @Override
  public List<StoredAccount> linksExpiredBy(Instant at, int limit) {
    return accounts("find expired links", "WHERE status = 'INITIATED' AND link_expires_at_ns <= ? "
        + "ORDER BY link_expires_at_ns LIMIT ? FOR UPDATE SKIP LOCKED", p -> {
          p.setLong(1, RowCodec.nanos(at));
          p.setInt(2, limit);
        });
  }

  @Override
  public List<StoredAccount> refreshDueBy(Instant at, int limit) {
    return accounts("find tokens due for refresh", "WHERE status = 'ACTIVE' AND credentials_expire_at_ns <= ? "
        + "ORDER BY credentials_expire_at_ns LIMIT ? FOR UPDATE SKIP LOCKED", p -> {
          p.setLong(1, RowCodec.nanosSaturated(at));
          p.setInt(2, limit);
        });
  }

  /** Binds a statement's parameters. */
  private interface Binder {
    void bind(PreparedStatement p) throws SQLException;
  }

  private List<StoredAccount> accounts(String operation, String where, Binder binder) {
    return db.call(operation, c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT " + ACCOUNT_COLUMNS + " FROM " + accounts + " " + where)) {
        binder.bind(p);
        try (ResultSet r = p.executeQuery()) {
          List<StoredAccount> out = new ArrayList<>();
          while (r.next()) {
            out.add(account(r));
          }
          return out;
        }
      }
    });
  }

  @Override
  public void announce(ConnectionEvent event) {
    Objects.requireNonNull(event, "event");
    List<String> payloads = notices(null, List.of(event));
    db.call("announce an event of account " + event.accountId(), c -> notify(c, payloads));
    deliver(l -> l.accountChanged(event));
  }

  private int notify(Connection c, List<String> payloads) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT count(*) FROM (SELECT pg_notify(?, n.p) FROM "
        + "unnest(?::text[]) AS n (p)) AS sent")) {
      p.setString(1, channel);
      p.setArray(2, c.createArrayOf("text", payloads.toArray(new String[0])));
      try (ResultSet r = p.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  // ---------------------------------------------------------------- flows

  private static final String FLOW_SELECT = "SELECT key, account_id, user_id, toolkit, redirect_uri, callback_url, "
      + "form, expires_at_ns, exclusive, key_id, secrets FROM ";

  @Override
  public Optional<StoredFlow> flow(String key) {
    Objects.requireNonNull(key, "key");
    return db.call("read a flow", c -> {
      try (PreparedStatement p = c.prepareStatement(FLOW_SELECT + flows + " WHERE key = ?")) {
        p.setString(1, key);
        try (ResultSet r = p.executeQuery()) {
          return r.next() ? Optional.of(flow(r)) : Optional.empty();
        }
      }
    });
  }

  private StoredFlow flow(ResultSet r) throws SQLException {
    String key = r.getString("key");
    JsonNode secrets = RowCodec.parse(cipher.open("tether_flow", key, r.getString("key_id"), r.getBytes("secrets")));
    JsonNode link = secrets.get("link");
    String callbackUrl = r.getString("callback_url");
    return new StoredFlow(key, r.getString("account_id"), r.getString("user_id"), r.getString("toolkit"),
        Secret.of(secrets.get("state").asText()), Secret.of(secrets.get("verifier").asText()),
        URI.create(r.getString("redirect_uri")), Optional.ofNullable(callbackUrl).map(URI::create),
        link == null ? Optional.empty() : Optional.of(RowCodec.link(link)), RowCodec.form(r.getString("form")),
        RowCodec.instant(r.getLong("expires_at_ns")), r.getBoolean("exclusive"));
  }

  @Override
  public Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(link, "link");
    while (true) {
      Optional<StoredFlow> current = flow(key);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      if (current.get().link().isPresent()) {
        return current.get().link(); // the first link set wins
      }
      StoredFlow f = current.get();
      byte[] sealed = sealFlow(key, f.state(), f.verifier(), link);
      int updated = db.call("attach a link to a flow", c -> {
        try (PreparedStatement p = c.prepareStatement("UPDATE " + flows + " SET has_link = true, key_id = ?, "
            + "secrets = ? WHERE key = ? AND NOT has_link")) {
          p.setString(1, cipher.currentKeyId());
          p.setBytes(2, sealed);
          p.setString(3, key);
          return p.executeUpdate();
        }
      });
      if (updated == 1) {
        return Optional.of(link);
      }
    }
  }

  @Override
  public FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(claimant, "claimant");
    long nowNanos = RowCodec.nanos(now);
    long untilNanos = RowCodec.nanos(leaseUntil);
    while (true) {
      FlowClaim answer = db.call("claim a flow", c -> {
        try (PreparedStatement p = c.prepareStatement("WITH won AS (UPDATE " + flows + " SET claimant = ?, "
            + "claimed_until_ns = ? WHERE key = ? AND outcome IS NULL AND (claimant IS NULL OR claimant = ? OR "
            + "claimed_until_ns <= ?) RETURNING key) SELECT (SELECT count(*) FROM won) AS won, f.key, f.outcome, "
            + "f.claimant, f.claimed_until_ns FROM (SELECT 1) AS one LEFT JOIN " + flows + " f ON f.key = ?")) {
          p.setString(1, claimant);
          p.setLong(2, untilNanos);
          p.setString(3, key);
          p.setString(4, claimant);
          p.setLong(5, nowNanos);
          p.setString(6, key);
          try (ResultSet r = p.executeQuery()) {
            r.next();
            if (r.getLong("won") == 1) {
              return FlowClaim.claimed();
            }
            return judge(r, claimant, nowNanos);
          }
        }
      });
      if (answer != null) {
        return answer;
      }
      // The statement's snapshot showed the flow free, but another claim won the row meanwhile:
      // look again with a fresh snapshot.
      FlowClaim again = db.call("read a flow's claim", c -> {
        try (PreparedStatement p = c.prepareStatement("SELECT key, outcome, claimant, claimed_until_ns FROM " + flows
            + " WHERE key = ?")) {
          p.setString(1, key);
          try (ResultSet r = p.executeQuery()) {
            return r.next() ? judge(r, claimant, nowNanos) : FlowClaim.unknown();
          }
        }
      });
      if (again != null) {
        return again;
      }
    }
  }

  /** DONE, BUSY or UNKNOWN from a row; null when the row looks free (the caller tries again). */
  private static FlowClaim judge(ResultSet r, String claimant, long nowNanos) throws SQLException {
    if (r.getString("key") == null) {
      return FlowClaim.unknown();
    }
    String outcome = r.getString("outcome");
    if (outcome != null) {
      return FlowClaim.done(RowCodec.outcome(outcome));
    }
    String holder = r.getString("claimant");
    long until = r.getLong("claimed_until_ns");
    if (holder != null && !holder.equals(claimant) && until > nowNanos) {
      return FlowClaim.busy(RowCodec.instant(until));
    }
    return null;
  }

  @Override
  public boolean completeFlow(String key, String claimant, CallbackResult outcome) {
    Objects.requireNonNull(outcome, "outcome");
    return settleFlow("complete a flow", "outcome = ?::jsonb", key, claimant, RowCodec.outcome(outcome));
  }

  @Override
  public void releaseFlow(String key, String claimant) {
    settleFlow("release a flow", "claimant = NULL, claimed_until_ns = NULL", key, claimant, null);
  }

  private boolean settleFlow(String operation, String set, String key, String claimant, String outcome) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(claimant, "claimant");
    boolean settled;
    try {
      settled = db.call(operation, c -> {
        try (PreparedStatement p = c.prepareStatement("WITH done AS (UPDATE " + flows + " SET " + set + " WHERE key = ? "
            + "AND claimant = ? AND outcome IS NULL RETURNING key) SELECT count(*) FROM (SELECT pg_notify(?, ?) FROM "
            + "done) AS sent")) {
          int i = 1;
          if (outcome != null) {
            p.setString(i++, outcome);
          }
          p.setString(i++, key);
          p.setString(i++, claimant);
          p.setString(i++, channel);
          p.setString(i++, flowNotice(key));
          try (ResultSet r = p.executeQuery()) {
            r.next();
            return r.getLong(1) == 1;
          }
        }
      });
    } catch (PostgresStoreException e) {
      if (e.isRetryable()) {
        resynchronizeLocally();
      }
      throw e;
    }
    if (settled) {
      deliver(l -> l.flowSettled(key));
    }
    return settled;
  }

  @Override
  public int removeFlowsExpiredBy(Instant at, int limit) {
    List<String> removed = db.call("remove expired flows", c -> {
      try (PreparedStatement p = c.prepareStatement("WITH gone AS (DELETE FROM " + flows + " WHERE key IN (SELECT key "
          + "FROM " + flows + " WHERE expires_at_ns <= ? ORDER BY expires_at_ns LIMIT ? FOR UPDATE SKIP LOCKED) "
          + "RETURNING key) SELECT gone.key, (SELECT count(*) FROM (SELECT pg_notify(?, json_build_object('o', "
          + "?::text, 'f', gone.key)::text)) AS sent) FROM gone")) {
        p.setLong(1, RowCodec.nanos(at));
        p.setInt(2, limit);
        p.setString(3, channel);
        p.setString(4, origin);
        try (ResultSet r = p.executeQuery()) {
          List<String> keys = new ArrayList<>();
          while (r.next()) {
            keys.add(r.getString(1));
          }
          return keys;
        }
      }
    });
    for (String key : removed) {
      deliver(l -> l.flowSettled(key)); // a callback waiting on its claim stops waiting
    }
    return removed.size();
  }

  // ---------------------------------------------------------------- refresh leases

  @Override
  public boolean tryLease(String accountId, String holder, Instant now, Instant until) {
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(holder, "holder");
    return db.call("take the refresh lease of account " + accountId, c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO " + leases + " AS l (account_id, holder, "
          + "lease_until_ns) VALUES (?, ?, ?) ON CONFLICT (account_id) DO UPDATE SET holder = EXCLUDED.holder, "
          + "lease_until_ns = EXCLUDED.lease_until_ns WHERE l.holder = EXCLUDED.holder OR l.lease_until_ns <= ? "
          + "RETURNING holder")) {
        p.setString(1, accountId);
        p.setString(2, holder);
        p.setLong(3, RowCodec.nanos(until));
        p.setLong(4, RowCodec.nanos(now));
        try (ResultSet r = p.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  @Override
  public void releaseLease(String accountId, String holder) {
    db.call("give back the refresh lease of account " + accountId, c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM " + leases + " WHERE account_id = ? AND holder = ?")) {
        p.setString(1, accountId);
        p.setString(2, holder);
        return p.executeUpdate();
      }
    });
  }

  // ---------------------------------------------------------------- change feed

  @Override
  public Subscription subscribe(StoreListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Notices of a change: the pair (for other nodes' caches) and the events, each payload under the limit. */
  private List<String> notices(Slot pair, List<ConnectionEvent> events) {
    List<String> out = new ArrayList<>(1);
    ObjectNode current = notice(pair);
    for (ConnectionEvent e : events) {
      ObjectNode event = RowCodec.event(e);
      ArrayNode list = (ArrayNode) current.get("e");
      list.add(event);
      if (size(current) <= MAX_PAYLOAD_BYTES) {
        continue;
      }
      list.remove(list.size() - 1);
      if (!list.isEmpty()) {
        out.add(RowCodec.text(current));
        current = notice(pair);
        list = (ArrayNode) current.get("e");
        list.add(event);
      }
      if (size(current) > MAX_PAYLOAD_BYTES) {
        // One event alone is too large (a very long user id or reason): name the account only;
        // receivers re-check their waiters.
        list.remove(list.size() - 1);
        current.withArrayProperty("a").add(e.accountId());
      }
    }
    out.add(RowCodec.text(current));
    return out;
  }

  private ObjectNode notice(Slot pair) {
    ObjectNode n = RowCodec.JSON.createObjectNode().put("o", origin);
    if (pair != null) {
      n.putArray("s").add(pair.userId()).add(pair.toolkit());
    }
    n.putArray("e");
    return n;
  }

  private static int size(ObjectNode n) {
    return RowCodec.bytes(n).length;
  }

  private String flowNotice(String key) {
    return RowCodec.text(RowCodec.JSON.createObjectNode().put("o", origin).put("f", key));
  }

  /** What the change feed hears: other instances' notices (this instance delivered its own already). */
  private final class FeedSink implements ChangeFeed.Sink {
    @Override
    public void notice(String payload) {
      JsonNode n = RowCodec.parse(payload);
      if (origin.equals(n.path("o").asText())) {
        return;
      }
      JsonNode pair = n.get("s");
      if (pair != null) {
        cache.invalidate(new PairKey(pair.get(0).asText(), pair.get(1).asText()));
      }
      JsonNode touched = n.get("t");
      if (touched != null) {
        sessionCache.invalidate(touched.asText());
      }
      JsonNode events = n.get("e");
      if (events != null) {
        for (JsonNode e : events) {
          ConnectionEvent event = RowCodec.event(e);
          deliver(l -> l.accountChanged(event));
        }
      }
      if (n.has("a")) {
        deliver(StoreListener::resynchronize);
      }
      JsonNode flow = n.get("f");
      if (flow != null) {
        String key = flow.asText();
        deliver(l -> l.flowSettled(key));
      }
    }

    @Override
    public void up() {
      cache.enable();
      sessionCache.enable();
      deliver(StoreListener::resynchronize);
    }

    @Override
    public void down() {
      cache.disable();
      sessionCache.disable();
    }

    @Override
    public void resynchronize() {
      deliver(StoreListener::resynchronize);
    }
  }

  private void resynchronizeLocally() {
    deliver(StoreListener::resynchronize);
  }

  private void deliver(Consumer<StoreListener> call) {
    for (StoreListener l : listeners) {
      try {
        call.accept(l);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, () -> "Store listener " + l.getClass().getName() + " threw "
            + e.getClass().getName() + "; skipped it", e);
      }
    }
  }

  // ---------------------------------------------------------------- operations

  /**
   * Re-encrypts up to {@code batch} rows whose secrets are under an older key with the current
   * encryption key. Call it after rotating keys until it returns 0; then the old key may be
   * dropped from the builder. Safe while engines run: a row changed meanwhile is left for the
   * next call (it was re-encrypted by that change anyway).
   *
   * @param batch the most rows to re-encrypt in this call, at least 1
   * @return how many rows were re-encrypted
   * @throws StoreKeyException if a row's key is not among this store's keys
   */
  public int reencrypt(int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be at least 1, got " + batch);
    }
    int done = 0;
    String[][] tables = {{"tether_session", sessions, "id"}, {"tether_account", accounts, "id"},
        {"tether_flow", flows, "key"}};
    for (String[] t : tables) {
      if (done >= batch) {
        break;
      }
      int limit = batch - done;
      done += db.call("re-encrypt " + t[0] + " rows", c -> {
        List<Object[]> rows = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + t[2] + ", key_id, secrets FROM " + t[1]
            + " WHERE key_id IS NOT NULL AND key_id <> ? LIMIT ?")) {
          p.setString(1, cipher.currentKeyId());
          p.setInt(2, limit);
          try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
              rows.add(new Object[] {r.getString(1), r.getString(2), r.getBytes(3)});
            }
          }
        }
        int n = 0;
        try (PreparedStatement p = c.prepareStatement("UPDATE " + t[1] + " SET key_id = ?, secrets = ? WHERE "
            + t[2] + " = ? AND key_id = ? AND secrets = ?")) {
          for (Object[] row : rows) {
            String id = (String) row[0];
            byte[] plain = cipher.open(t[0], id, (String) row[1], (byte[]) row[2]);
            p.setString(1, cipher.currentKeyId());
            p.setBytes(2, cipher.seal(t[0], id, plain));
            p.setString(3, id);
            p.setString(4, (String) row[1]);
            p.setBytes(5, (byte[]) row[2]);
            n += p.executeUpdate();
          }
        }
        return n;
      });
    }
    return done;
  }

  /**
   * Whether the change feed is listening now; while it is not, the near cache is off and other
   * nodes' changes reach this instance's listeners only through the re-check after reconnecting.
   *
   * @return true when the feed's connection is up
   */
  public boolean isListening() {
    return feed.isUp();
  }

  /**
   * Drops the change feed's connection as a network failure would (for tests of recovery, or when
   * the host knows it went stale); the feed reconnects and then every listener re-checks.
   */
  public void reconnectFeed() {
    feed.dropConnection();
  }

  /**
   * The schema the store's tables live in.
   *
   * @return the schema name
   */
  public String schema() {
    return schema;
  }

  /** Stops the change feed and gives its connection back; the store must not be used afterwards. */
  @Override
  public void close() {
    feed.close(() -> {
      try {
        db.call("wake the change feed", c -> notify(c, List.of(RowCodec.text(RowCodec.JSON.createObjectNode()
            .put("o", origin)))));
        return true;
      } catch (PostgresStoreException e) {
        return false;
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresConnectionStore[" + db.where() + ", schema=" + schema + ", key=" + cipher.currentKeyId()
        + ", feed=" + (feed.isUp() ? "listening" : "down") + "]";
  }

  private static String randomOrigin() {
    byte[] b = new byte[9];
    new SecureRandom().nextBytes(b);
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /**
   * Configures a {@link PostgresConnectionStore}. Each single-valued setting may be set once;
   * values are checked when set. Not thread-safe.
   */
  public static final class Builder {
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,47}");
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The default session-touch interval. */
    public static final Duration DEFAULT_SESSION_TOUCH_INTERVAL = Duration.ofMinutes(1);
    /** The default interval of the change feed's slow re-check. */
    public static final Duration DEFAULT_RESYNC_INTERVAL = Duration.ofSeconds(30);
    /** The default number of (user, toolkit) pairs the near cache keeps. */
    public static final int DEFAULT_NEAR_CACHE_SIZE = 10_000;

    private final DataSource dataSource;
    private DataSource listenerDataSource;
    private String encryptionKeyId;
    private final Map<String, SecretKey> keys = new LinkedHashMap<>();
    private String schema;
    private Boolean migrate;
    private Duration touchInterval;
    private Duration resyncInterval;
    private Integer nearCacheSize;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * The key that encrypts every secret written from now on; also reads rows written with it.
     * Required.
     *
     * @param keyId a name for the key, stored beside each ciphertext: 1 to 64 of {@code
     *     [A-Za-z0-9._-]}; never reuse an id for a different key
     * @param aes256Key the 32-byte AES-256 key (copied; keep it in a secret manager, not in code)
     * @return this builder
     * @throws IllegalArgumentException if the id is malformed, the key is not 32 bytes, or the id is
     *     already a decryption key
     * @throws IllegalStateException if the encryption key was already set
     */
    public Builder encryptionKey(String keyId, byte[] aes256Key) {
      if (encryptionKeyId != null) {
        throw new IllegalStateException("encryptionKey was already set to key '" + encryptionKeyId + "'");
      }
      addKey(keyId, aes256Key);
      this.encryptionKeyId = keyId;
      return this;
    }

    /**
     * An older key that rows may still be encrypted with (after a rotation): read, never written.
     * May be called for several keys. Drop it once {@link #reencrypt(int)} has moved every row.
     *
     * @param keyId the id the key was used under: 1 to 64 of {@code [A-Za-z0-9._-]}
     * @param aes256Key the 32-byte AES-256 key (copied)
     * @return this builder
     * @throws IllegalArgumentException if the id is malformed or already given, or the key is not
     *     32 bytes
     */
    public Builder decryptionKey(String keyId, byte[] aes256Key) {
      addKey(keyId, aes256Key);
      return this;
    }

    private void addKey(String keyId, byte[] key) {
      Objects.requireNonNull(keyId, "keyId");
      Objects.requireNonNull(key, "aes256Key");
      if (!KEY_ID.matcher(keyId).matches()) {
        throw new IllegalArgumentException("A key id is 1 to 64 of A-Z, a-z, 0-9, '.', '_' and '-', got '"
            + (keyId.length() > 64 ? keyId.substring(0, 64) + "…" : keyId) + "'");
      }
      if (key.length != 32) {
        throw new IllegalArgumentException("Key '" + keyId + "' must be 32 bytes (AES-256), got " + key.length);
      }
      if (keys.containsKey(keyId)) {
        throw new IllegalArgumentException("Key '" + keyId + "' was already given");
      }
      keys.put(keyId, new SecretKeySpec(key.clone(), "AES"));
    }

    /**
     * The schema that holds the store's tables (default {@code tether}); created when migrating.
     * Engines that share state use the same one.
     *
     * @param name 1 to 48 of {@code [a-z0-9_]}, not starting with a digit
     * @return this builder
     * @throws IllegalArgumentException if the name is malformed
     * @throws IllegalStateException if the schema was already set
     */
    public Builder schema(String name) {
      if (schema != null) {
        throw new IllegalStateException("schema was already set to '" + schema + "'");
      }
      Objects.requireNonNull(name, "schema");
      if (!SCHEMA.matcher(name).matches()) {
        throw new IllegalArgumentException("A schema name is 1 to 48 of a-z, 0-9 and '_', not starting with a "
            + "digit, got '" + (name.length() > 48 ? name.substring(0, 48) + "…" : name) + "'");
      }
      this.schema = name;
      return this;
    }

    /**
     * Whether {@link #build()} applies the schema's migrations (default true). Pass false when the
     * host runs them with Flyway or Liquibase (the SQL files are in the jar under {@code
     * dev/tether/store/postgres/migration/}); {@code build()} then only checks the version.
     *
     * @param enabled false to leave the schema alone
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder migrate(boolean enabled) {
      if (migrate != null) {
        throw new IllegalStateException("migrate was already set to " + migrate);
      }
      this.migrate = enabled;
      return this;
    }

    /**
     * Where the change feed takes its one long-lived listening connection from (default: the main
     * data source). Give a separate, unpooled data source when the main pool must not lend a
     * connection for good.
     *
     * @param listener a data source for the same database; not null
     * @return this builder
     * @throws IllegalStateException if it was already set
     */
    public Builder listenerDataSource(DataSource listener) {
      if (listenerDataSource != null) {
        throw new IllegalStateException("listenerDataSource was already set");
      }
      this.listenerDataSource = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * How often at most a session's use is written (default one minute); a session idles out at
     * most this late. Zero writes every use exactly.
     *
     * @param interval zero or positive, at most one hour
     * @return this builder
     * @throws IllegalArgumentException if the interval is negative or over an hour
     * @throws IllegalStateException if it was already set
     */
    public Builder sessionTouchInterval(Duration interval) {
      if (touchInterval != null) {
        throw new IllegalStateException("sessionTouchInterval was already set to " + touchInterval);
      }
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("sessionTouchInterval must be between 0 and 1 hour, got " + interval);
      }
      this.touchInterval = interval;
      return this;
    }

    /**
     * How often the change feed re-checks, in case a notification was lost (default 30 seconds):
     * every listener's {@link StoreListener#resynchronize()} is called, so waiters look again.
     *
     * @param interval at least one second
     * @return this builder
     * @throws IllegalArgumentException if the interval is under a second
     * @throws IllegalStateException if it was already set
     */
    public Builder resyncInterval(Duration interval) {
      if (resyncInterval != null) {
        throw new IllegalStateException("resyncInterval was already set to " + resyncInterval);
      }
      Objects.requireNonNull(interval, "interval");
      if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("resyncInterval must be at least 1 second, got " + interval);
      }
      this.resyncInterval = interval;
      return this;
    }

    /**
     * How many (user, toolkit) pairs the near cache keeps (default {@value #DEFAULT_NEAR_CACHE_SIZE});
     * 0 turns it off, so every {@link PostgresConnectionStore#slot} reads the database.
     *
     * @param maxPairs zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if it was already set
     */
    public Builder nearCache(int maxPairs) {
      if (nearCacheSize != null) {
        throw new IllegalStateException("nearCache was already set to " + nearCacheSize);
      }
      if (maxPairs < 0) {
        throw new IllegalArgumentException("nearCache takes 0 or more pairs, got " + maxPairs);
      }
      this.nearCacheSize = maxPairs;
      return this;
    }

    /**
     * Connects, migrates the schema (unless {@link #migrate(boolean) migrate(false)}) and starts
     * the change feed.
     *
     * @return the store; close it when done
     * @throws IllegalStateException if no encryption key was given, or the schema is newer than
     *     this code (or, without migrating, older)
     * @throws PostgresStoreException if the database cannot be reached (retryable), naming where
     *     it was looked for
     */
    public PostgresConnectionStore build() {
      if (encryptionKeyId == null) {
        throw new IllegalStateException("A PostgresConnectionStore needs encryptionKey(keyId, aes256Key): "
            + "credentials are encrypted at rest");
      }
      if (schema == null) {
        schema = "tether";
      }
      if (touchInterval == null) {
        touchInterval = DEFAULT_SESSION_TOUCH_INTERVAL;
      }
      if (resyncInterval == null) {
        resyncInterval = DEFAULT_RESYNC_INTERVAL;
      }
      if (nearCacheSize == null) {
        nearCacheSize = DEFAULT_NEAR_CACHE_SIZE;
      }
      Jdbc db = new Jdbc(dataSource);
      if (migrate == null || migrate) {
        Migrations.migrate(db, schema);
      } else {
        Migrations.check(db, schema);
      }
      PostgresConnectionStore store = new PostgresConnectionStore(this, new RowCipher(encryptionKeyId,
          new HashMap<>(keys)));
      store.feed.start();
      return store;
    }
  }
}

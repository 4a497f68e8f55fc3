package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tether.core.CallbackResult;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.store.ConnectionStore;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoreListener;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import dev.tether.core.store.StoredSession;
import dev.tether.spi.AuthorizationLink;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * PostgresConnectionStore store = PostgresConnectionStore.builder(dataSource)
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
  private final Jdbc db;
  private final String schema;
  private final String origin;
  private final Tables tables;
  private final Notices notices;
  private final NearCache<SlotRows.PairKey, Slot> cache;
  private final NearCache<String, StoredSession> sessionCache;
  private final SessionRows sessions;
  private final SlotRows slots;
  private final FlowRows flows;
  private final ChangeFeed feed;
  private final CopyOnWriteArrayList<StoreListener> listeners = new CopyOnWriteArrayList<>();

  private PostgresConnectionStore(Builder b, RowCipher cipher) {
    this.db = new Jdbc(b.dataSource);
    this.schema = b.schema;
    this.origin = randomOrigin();
    this.tables = Tables.of(db, cipher, schema);
    this.notices = new Notices(origin, tables.channel());
    this.cache = new NearCache<>(b.nearCacheSize);
    this.sessionCache = new NearCache<>(b.nearCacheSize);
    this.sessions = new SessionRows(tables, notices, b.touchInterval, sessionCache);
    this.flows = new FlowRows(tables, notices);
    this.slots = new SlotRows(tables, notices, flows, cache);
    this.feed = new ChangeFeed(b.listenerDataSource != null ? b.listenerDataSource : b.dataSource,
        tables.channel(), new FeedSink(), b.resyncInterval, "tether-store-feed-" + schema + "-" + origin);
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
  public void putSession(StoredSession session) {
    sessions.putSession(Objects.requireNonNull(session, "session"));
  }

  @Override
  public Optional<StoredSession> session(String sessionId) {
    return sessions.session(Objects.requireNonNull(sessionId, "sessionId"));
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
    sessions.touchSession(Objects.requireNonNull(sessionId, "sessionId"), Objects.requireNonNull(at, "at"));
  }

  @Override
  public int removeSessionsIdleSince(Instant cutoff, int limit) {
    return sessions.removeSessionsIdleSince(Objects.requireNonNull(cutoff, "cutoff"), limit);
  }

  // ---------------------------------------------------------------- accounts

  @Override
  public Slot slot(String userId, String toolkit) {
    return slots.slot(Objects.requireNonNull(userId, "userId"), Objects.requireNonNull(toolkit, "toolkit"));
  }

  @Override
  public boolean commit(SlotCommit commit) {
    Objects.requireNonNull(commit, "commit");
    SlotRows.Committed done;
    try {
      done = slots.commit(commit);
    } catch (PostgresStoreException e) {
      if (e.isRetryable()) {
        resynchronizeLocally(); // it may have been applied: nobody here heard of it
      }
      throw e;
    }
    if (done.applied()) {
      for (ConnectionEvent event : commit.events()) {
        deliver(l -> l.accountChanged(event));
      }
      for (String key : done.settled()) {
        deliver(l -> l.flowSettled(key));
      }
    }
    return done.applied();
  }

  @Override
  public Optional<StoredAccount> account(String accountId) {
    return slots.account(Objects.requireNonNull(accountId, "accountId"));
  }

  @Override
  public List<StoredAccount> accountsOf(String userId) {
    return slots.accountsOf(Objects.requireNonNull(userId, "userId"));
  }

  @Override
  public List<StoredAccount> allAccounts() {
    return slots.allAccounts();
  }

  @Override
  public List<StoredAccount> linksExpiredBy(Instant at, int limit) {
    return slots.linksExpiredBy(Objects.requireNonNull(at, "at"), limit);
  }

  @Override
  public List<StoredAccount> refreshDueBy(Instant at, int limit) {
    return slots.refreshDueBy(Objects.requireNonNull(at, "at"), limit);
  }

  @Override
  public void announce(ConnectionEvent event) {
    Objects.requireNonNull(event, "event");
    List<String> payloads = notices.of(null, List.of(event));
    db.call("announce an event of account " + event.accountId(), c -> notices.send(c, payloads));
    deliver(l -> l.accountChanged(event));
  }

  // ---------------------------------------------------------------- flows

  @Override
  public Optional<StoredFlow> flow(String key) {
    return flows.flow(Objects.requireNonNull(key, "key"));
  }

  @Override
  public Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
    return flows.attachLink(Objects.requireNonNull(key, "key"), Objects.requireNonNull(link, "link"));
  }

  @Override
  public FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil) {
    return flows.claimFlow(Objects.requireNonNull(key, "key"), Objects.requireNonNull(claimant, "claimant"),
        Objects.requireNonNull(now, "now"), Objects.requireNonNull(leaseUntil, "leaseUntil"));
  }

  @Override
  public boolean completeFlow(String key, String claimant, CallbackResult outcome) {
    boolean done = settling(() -> flows.completeFlow(Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(claimant, "claimant"), outcome));
    if (done) {
      deliver(l -> l.flowSettled(key));
    }
    return done;
  }

  @Override
  public void releaseFlow(String key, String claimant) {
    boolean released = settling(() -> flows.releaseFlow(Objects.requireNonNull(key, "key"),
        Objects.requireNonNull(claimant, "claimant")));
    if (released) {
      deliver(l -> l.flowSettled(key));
    }
  }

  private boolean settling(java.util.function.BooleanSupplier change) {
    try {
      return change.getAsBoolean();
    } catch (PostgresStoreException e) {
      if (e.isRetryable()) {
        resynchronizeLocally(); // it may have been applied: nobody here heard of it
      }
      throw e;
    }
  }

  @Override
  public int removeFlowsExpiredBy(Instant at, int limit) {
    List<String> removed = flows.removeFlowsExpiredBy(Objects.requireNonNull(at, "at"), limit);
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
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(until, "until");
    return db.call("take the refresh lease of account " + accountId, c -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO " + tables.leases() + " AS l (account_id, holder, "
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
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(holder, "holder");
    db.call("give back the refresh lease of account " + accountId, c -> {
      try (PreparedStatement p = c.prepareStatement("DELETE FROM " + tables.leases() + " WHERE account_id = ? AND holder = ?")) {
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
        cache.invalidate(new SlotRows.PairKey(pair.get(0).asText(), pair.get(1).asText()));
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
    RowCipher cipher = tables.cipher();
    String[][] rows = {{"tether_session", tables.sessions(), "id"}, {"tether_account", tables.accounts(), "id"},
        {"tether_flow", tables.flows(), "key"}};
    for (String[] t : rows) {
      if (done >= batch) {
        break;
      }
      int limit = batch - done;
      done += db.call("re-encrypt " + t[0] + " rows", c -> {
        List<Object[]> found = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT " + t[2] + ", key_id, secrets FROM " + t[1]
            + " WHERE key_id IS NOT NULL AND key_id <> ? LIMIT ?")) {
          p.setString(1, cipher.currentKeyId());
          p.setInt(2, limit);
          try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
              found.add(new Object[] {r.getString(1), r.getString(2), r.getBytes(3)});
            }
          }
        }
        int n = 0;
        try (PreparedStatement p = c.prepareStatement("UPDATE " + t[1] + " SET key_id = ?, secrets = ? WHERE "
            + t[2] + " = ? AND key_id = ? AND secrets = ?")) {
          for (Object[] row : found) {
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
        db.call("wake the change feed", c -> notices.send(c, List.of(notices.wakeUp())));
        return true;
      } catch (PostgresStoreException e) {
        return false;
      }
    });
  }

  @Override
  public String toString() {
    return "PostgresConnectionStore[" + db.where() + ", schema=" + schema + ", key=" + tables.cipher().currentKeyId()
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

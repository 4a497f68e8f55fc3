package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.ConnectionStatus;
import dev.tether.core.store.Slot;
import dev.tether.core.store.SlotCommit;
import dev.tether.core.store.StoredAccount;
import dev.tether.core.store.StoredFlow;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code tether_slot} and {@code tether_account} tables: a pair's accounts read in one
 * statement with its version (through the near cache), and a commit as one statement whose
 * version check gates every write in it, the flows' and the feed's notices included. Account
 * reads and the sweeps always go to the database. Thread-safe.
 */
final class SlotRows {
  private static final String ACCOUNT_COLUMNS = "id, user_id, toolkit, status, exclusive, created_at_ns, "
      + "updated_at_ns, connected_at_ns, status_reason, link_id, link_expires_at_ns, has_credentials, "
      + "credentials_expire_at_ns, key_id, secrets";
  private static final String ACCOUNT_VALUES = "(?::text, ?::text, ?::text, ?::text, ?::boolean, ?::bigint, "
      + "?::bigint, ?::bigint, ?::text, ?::text, ?::bigint, ?::boolean, ?::bigint, ?::text, ?::bytea)";

  private final Jdbc db;
  private final RowCipher cipher;
  private final Notices notices;
  private final FlowRows flowRows;
  private final String channel;
  private final String slots;
  private final String accounts;
  private final String leases;
  private final String flowsTable;
  private final NearCache<PairKey, Slot> cache;

  SlotRows(Tables t, Notices notices, FlowRows flowRows, NearCache<PairKey, Slot> cache) {
    this.db = t.db();
    this.cipher = t.cipher();
    this.notices = notices;
    this.flowRows = flowRows;
    this.channel = t.channel();
    this.slots = t.slots();
    this.accounts = t.accounts();
    this.leases = t.leases();
    this.flowsTable = t.flows();
    this.cache = cache;
  }

  /** A (user, toolkit) pair, as the near cache's key. */
  record PairKey(String userId, String toolkit) {}

  Slot slot(String userId, String toolkit) {
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

  /**
   * What a commit did: whether it applied, and the keys of the flows it completed (announced to the
   * other nodes by the same statement; this node announces them to its own listeners).
   */
  record Committed(boolean applied, List<String> settled) {}

  Committed commit(SlotCommit commit) {
    Objects.requireNonNull(commit, "commit");
    Slot read = commit.read();
    List<String> payloads = commit.events().isEmpty() && commit.put().isEmpty() && commit.remove().isEmpty()
        && commit.completions().isEmpty() ? List.of() : notices.of(read, commit.events());
    List<SlotCommit.FlowCompletion> completions = commit.completions();
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
      sql.append(", flows AS (INSERT INTO ").append(flowsTable).append(" (").append(FlowRows.FLOW_COLUMNS)
          .append(") SELECT * FROM (VALUES ");
      for (int i = 0; i < commit.flows().size(); i++) {
        sql.append(i == 0 ? "" : ", ").append(FlowRows.FLOW_VALUES);
      }
      sql.append(") AS v (").append(FlowRows.FLOW_COLUMNS).append(") WHERE EXISTS (SELECT 1 FROM ok) ON CONFLICT (key) ")
          .append("DO UPDATE SET ").append(excluded(FlowRows.FLOW_COLUMNS, "key")).append(")");
    }
    for (int i = 0; i < completions.size(); i++) {
      // As completeFlow: only while the claimant holds the claim; in the same statement as the change.
      sql.append(", done").append(i).append(" AS (UPDATE ").append(flowsTable).append(" SET outcome = ?::jsonb WHERE ")
          .append("key = ? AND claimant = ? AND outcome IS NULL AND EXISTS (SELECT 1 FROM ok) RETURNING key)");
    }
    sql.append(" SELECT ok.version");
    for (int i = 0; i < completions.size(); i++) {
      sql.append(", (SELECT count(*) FROM (SELECT pg_notify(?, ?) FROM done").append(i).append(") AS s").append(i)
          .append(")");
    }
    if (!payloads.isEmpty()) {
      sql.append(", (SELECT count(*) FROM (SELECT pg_notify(?, n.p) FROM unnest(?::text[]) AS n (p)) AS sent)");
    }
    sql.append(" FROM ok");
    PairKey pair = new PairKey(read.userId(), read.toolkit());
    List<String> settled = new ArrayList<>(completions.size());
    long writeStartedAt = cache.generation();
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
            i = flowRows.bindFlow(p, i, f);
          }
          for (SlotCommit.FlowCompletion done : completions) {
            p.setString(i++, RowCodec.outcome(done.outcome()));
            p.setString(i++, done.key());
            p.setString(i++, done.claimant());
          }
          for (SlotCommit.FlowCompletion done : completions) {
            p.setString(i++, channel);
            p.setString(i++, notices.settled(done.key()));
          }
          if (!payloads.isEmpty()) {
            p.setString(i++, channel);
            p.setArray(i++, c.createArrayOf("text", payloads.toArray(new String[0])));
          }
          try (ResultSet r = p.executeQuery()) {
            if (!r.next()) {
              return false;
            }
            for (int k = 0; k < completions.size(); k++) {
              if (r.getLong(2 + k) == 1) {
                settled.add(completions.get(k).key());
              }
            }
            return true;
          }
        }
      });
    } catch (PostgresStoreException e) {
      cache.invalidate(pair);
      throw e;
    }
    if (applied) {
      cache.replace(pair, after(read, commit), writeStartedAt); // what the database held at the commit
    } else {
      cache.invalidate(pair); // the read was stale: the retry reads the database
    }
    return new Committed(applied, applied ? List.copyOf(settled) : List.of());
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

  static void setLong(PreparedStatement p, int i, Long value) throws SQLException {
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

  Optional<StoredAccount> account(String accountId) {
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

  List<StoredAccount> accountsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    return accounts("read the accounts of user '" + userId + "'", "WHERE user_id = ? ORDER BY created_at_ns, seq",
        p -> p.setString(1, userId));
  }

  List<StoredAccount> allAccounts() {
    return accounts("read every account", "ORDER BY created_at_ns, seq", p -> { });
  }

  List<StoredAccount> linksExpiredBy(Instant at, int limit) {
    return accounts("find expired links", "WHERE status = 'INITIATED' AND link_expires_at_ns <= ? "
        + "ORDER BY link_expires_at_ns LIMIT ? FOR UPDATE SKIP LOCKED", p -> {
          p.setLong(1, RowCodec.nanos(at));
          p.setInt(2, limit);
        });
  }

  List<StoredAccount> refreshDueBy(Instant at, int limit) {
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
}

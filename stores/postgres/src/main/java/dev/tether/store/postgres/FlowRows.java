package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.CallbackResult;
import dev.tether.core.store.FlowClaim;
import dev.tether.core.store.StoredFlow;
import dev.tether.spi.AuthorizationLink;
import dev.tether.spi.Secret;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code tether_flow} table: pending flows under their key (the state's public selector), with
 * the state, verifier and provider link sealed; exactly-once claims by a conditional {@code
 * UPDATE}; completion and release announced on the feed in the same statement. Thread-safe.
 */
final class FlowRows {
  static final String FLOW_COLUMNS = "key, account_id, user_id, toolkit, redirect_uri, callback_url, form, "
      + "expires_at_ns, exclusive, has_link, key_id, secrets";
  static final String FLOW_VALUES = "(?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::jsonb, "
      + "?::bigint, ?::boolean, ?::boolean, ?::text, ?::bytea)";
  private static final String FLOW_SELECT = "SELECT key, account_id, user_id, toolkit, redirect_uri, callback_url, "
      + "form, expires_at_ns, exclusive, key_id, secrets FROM ";

  private final Jdbc db;
  private final RowCipher cipher;
  private final Notices notices;
  private final String channel;
  private final String flows;

  FlowRows(Tables t, Notices notices) {
    this.db = t.db();
    this.cipher = t.cipher();
    this.notices = notices;
    this.channel = t.channel();
    this.flows = t.flows();
  }

  int bindFlow(PreparedStatement p, int i, StoredFlow f) throws SQLException {
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

  Optional<StoredFlow> flow(String key) {
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

  Optional<AuthorizationLink> attachLink(String key, AuthorizationLink link) {
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

  FlowClaim claimFlow(String key, String claimant, Instant now, Instant leaseUntil) {
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

  /** @return whether the caller held the claim (then the flow is completed, and every node told) */
  boolean completeFlow(String key, String claimant, CallbackResult outcome) {
    Objects.requireNonNull(outcome, "outcome");
    return settleFlow("complete a flow", "outcome = ?::jsonb", key, claimant, RowCodec.outcome(outcome));
  }

  /** @return whether the caller held the claim (then the flow is free again, and every node told) */
  boolean releaseFlow(String key, String claimant) {
    return settleFlow("release a flow", "claimant = NULL, claimed_until_ns = NULL", key, claimant, null);
  }

  private boolean settleFlow(String operation, String set, String key, String claimant, String outcome) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(claimant, "claimant");
    return db.call(operation, c -> {
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
        p.setString(i++, notices.settled(key));
        try (ResultSet r = p.executeQuery()) {
          r.next();
          return r.getLong(1) == 1;
        }
      }
    });
  }

  /** @return the keys removed (every other node is told) */
  List<String> removeFlowsExpiredBy(Instant at, int limit) {
    return db.call("remove expired flows", c -> {
      try (PreparedStatement p = c.prepareStatement("WITH gone AS (DELETE FROM " + flows + " WHERE key IN (SELECT key "
          + "FROM " + flows + " WHERE expires_at_ns <= ? ORDER BY expires_at_ns LIMIT ? FOR UPDATE SKIP LOCKED) "
          + "RETURNING key) SELECT gone.key, (SELECT count(*) FROM (SELECT pg_notify(?, json_build_object('o', "
          + "?::text, 'f', gone.key)::text)) AS sent) FROM gone")) {
        p.setLong(1, RowCodec.nanos(at));
        p.setInt(2, limit);
        p.setString(3, channel);
        p.setString(4, notices.origin());
        try (ResultSet r = p.executeQuery()) {
          List<String> keys = new ArrayList<>();
          while (r.next()) {
            keys.add(r.getString(1));
          }
          return keys;
        }
      }
    });
  }
}

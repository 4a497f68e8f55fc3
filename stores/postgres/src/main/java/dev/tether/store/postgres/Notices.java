package dev.tether.store.postgres;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tether.core.ConnectionEvent;
import dev.tether.core.store.Slot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What this instance says on the change feed, as JSON payloads of {@code NOTIFY}: {@code o} the
 * sending instance (so it skips its own, which it delivered already), {@code s} the pair a commit
 * changed, {@code e} its events, {@code a} accounts whose events did not fit, {@code f} a settled
 * flow, {@code t} a session whose use was recorded or that was removed. A payload stays under
 * PostgreSQL's 8000-byte limit: a commit's events are split over as many as it takes. Thread-safe.
 */
final class Notices {
  /** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; leave room. */
  private static final int MAX_PAYLOAD_BYTES = 7800;
  private final String origin;
  private final String channel;

  Notices(String origin, String channel) {
    this.origin = origin;
    this.channel = channel;
  }

  String origin() {
    return origin;
  }

  /** A flow was completed, released or removed. */
  String settled(String flowKey) {
    return RowCodec.text(RowCodec.JSON.createObjectNode().put("o", origin).put("f", flowKey));
  }

  /** A session's use was recorded. */
  String touched(String sessionId) {
    return RowCodec.text(RowCodec.JSON.createObjectNode().put("o", origin).put("t", sessionId));
  }

  /** Nothing: wakes this instance's own feed (which skips it) so it can stop. */
  String wakeUp() {
    return RowCodec.text(RowCodec.JSON.createObjectNode().put("o", origin));
  }

  /** Notices of a change: the pair (for other nodes' caches) and the events, each payload under the limit. */
  List<String> of(Slot pair, List<ConnectionEvent> events) {
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

  /** Sends {@code payloads} now (outside any commit). */
  int send(Connection c, List<String> payloads) throws SQLException {
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
}

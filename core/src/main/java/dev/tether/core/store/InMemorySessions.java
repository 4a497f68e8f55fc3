package dev.tether.core.store;

import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The in-memory store's sessions: a map, each entry replaced whole on a use (one volatile write),
 * and an index by last use for the idle sweep that is corrected lazily. Thread-safe.
 */
final class InMemorySessions {
  private final ConcurrentHashMap<String, SessionEntry> sessions = new ConcurrentHashMap<>();
  /**
   * Sessions by the last use known when they were indexed, for the idle sweep. A use does not
   * re-index (uses are frequent): the sweep checks each candidate's real last use and indexes it
   * again when it was used since.
   */
  private final ConcurrentSkipListSet<IdleKey> idle = new ConcurrentSkipListSet<>();

  void put(StoredSession session) {
    sessions.put(session.id(), new SessionEntry(session));
    idle.add(new IdleKey(Times.nanos(session.lastUsedAt()), session.id()));
  }

  Optional<StoredSession> get(String sessionId) {
    SessionEntry e = sessions.get(sessionId);
    return e == null ? Optional.empty() : Optional.of(e.current);
  }

  void touch(String sessionId, Instant at) {
    SessionEntry e = sessions.get(sessionId);
    // Racy on purpose: a concurrent use may write a time a few microseconds older, which can only
    // bring an idle expiry forward by as much. A use costs one volatile write, nothing shared.
    if (e != null && at.isAfter(e.current.lastUsedAt())) {
      e.current = e.current.usedAt(at);
    }
  }

  int removeIdleSince(Instant cutoff, int limit) {
    long cut = Times.nanos(cutoff);
    int removed = 0;
    while (removed < limit) {
      IdleKey first = idle.isEmpty() ? null : idle.first();
      if (first == null || first.lastUsed > cut) {
        break;
      }
      if (!idle.remove(first)) {
        continue;
      }
      SessionEntry e = sessions.get(first.id);
      if (e == null) {
        continue;
      }
      long lastUsed = Times.nanos(e.current.lastUsedAt());
      if (lastUsed <= cut) {
        if (sessions.remove(first.id, e)) {
          removed++;
        }
      } else {
        idle.add(new IdleKey(lastUsed, first.id)); // used since it was indexed
      }
    }
    return removed;
  }

  /** A session as last used; replaced whole on each use. */
  private static final class SessionEntry {
    volatile StoredSession current;

    SessionEntry(StoredSession session) {
      this.current = session;
    }
  }

  private record IdleKey(long lastUsed, String id) implements Comparable<IdleKey> {
    private static final Comparator<IdleKey> ORDER =
        Comparator.comparingLong(IdleKey::lastUsed).thenComparing(IdleKey::id);

      public int compareTo(IdleKey o) {
      return ORDER.compare(this, o);
    }
  }

  int size() {
    return sessions.size();
  }
}

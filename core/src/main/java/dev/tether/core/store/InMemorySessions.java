package dev.tether.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The in-memory store's sessions: a map, each entry replaced whole on a use (one compare-and-set),
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
    if (e == null) {
      return;
    }
    // A compare-and-set, so a use never undoes a later one: a thread paused between its read and
    // its write would otherwise put back an older time, however long ago, and the idle sweep could
    // then drop a session in use. Uncontended (the common case) it is one CAS.
    StoredSession current = e.current;
    StoredSession next = null; // only the last use ever changes, so one copy serves every retry
    while (at.isAfter(current.lastUsedAt())) {
      if (next == null) {
        next = current.usedAt(at);
      }
      if (SessionEntry.CURRENT.compareAndSet(e, current, next)) {
        return;
      }
      current = e.current;
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
    static final VarHandle CURRENT;

    static {
      try {
        CURRENT = MethodHandles.lookup().findVarHandle(SessionEntry.class, "current", StoredSession.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

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

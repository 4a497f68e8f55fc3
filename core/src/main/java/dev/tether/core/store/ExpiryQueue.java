package dev.tether.core.store;

import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keys with the time they expire, swept earliest first (keys within {@link #SLACK_NANOS} of each
 * other may come in either order). Links and flows are issued with a fixed time to live, so keys
 * nearly always arrive in the order they expire: those go to the tail of an ordered queue (an
 * append under a short lock), and a sweep walks it from the head and stops a little past the
 * sweep's time. A key that arrives more than {@link #SLACK_NANOS} earlier than the latest appended
 * one (a shorter time to live, a clock set back, another engine's skewed clock) goes to a map of
 * seconds instead. Each adding thread uses one of {@link #LANES} lanes (so threads adding at once
 * do not share a lock or a tail), and a sweep merges every lane's two structures. Entries are
 * never removed when their subject changes: the owner {@linkplain Entry#cancel() cancels} an entry
 * it knows is dead (the sweep then drops it without asking), and a sweep asks {@code judge} about
 * each other due one and drops those that are gone, so each structure holds at most what was added
 * since its entries last came due. Thread-safe.
 */
final class ExpiryQueue {
  /** What a sweep learns about a queued key that is due by its queued time. */
  enum State {
    /** Due at the sweep's time: report it (and keep it until it is gone). */
    DUE,
    /** Its subject expires later now (another entry was queued for that): keep it until it is gone. */
    LATER,
    /** Gone or no longer expiring: drop it. */
    GONE,
    /** Due, and the judge already removed its subject: report it and drop it. */
    TAKEN
  }

  /** How far out of order a key may sit in the ordered queue (and so how far past it a sweep looks). */
  static final long SLACK_NANOS = 1_000_000_000L;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /**
   * The smallest power of two at or above twice the processors, at most 64: threads with
   * consecutive ids never share a lane, and a sweep peeks at every lane.
   */
  static final int LANES = Math.min(64,
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1));

  private final Lane[] lanes = new Lane[LANES];

  ExpiryQueue() {
    for (int i = 0; i < LANES; i++) {
      lanes[i] = new Lane();
    }
  }

  /**
   * Queues {@code key} to expire at {@code expiresAtNanos} (epoch nanoseconds), in the calling
   * thread's lane.
   *
   * @param key the subject
   * @param expiresAtNanos when it expires
   * @return the entry, for {@link Entry#cancel()}
   */
  Entry add(String key, long expiresAtNanos) {
    Entry entry = new Entry(key, expiresAtNanos);
    add(entry);
    return entry;
  }

  /**
   * Queues an entry made by its owner (who may have to publish it before it is queued), in the
   * calling thread's lane.
   *
   * @param entry a new entry, queued once
   */
  void add(Entry entry) {
    lanes[(int) Thread.currentThread().getId() & (LANES - 1)].add(entry);
  }

  /**
   * Calls {@code visit} with each key queued to expire at or before {@code atNanos}, earliest
   * first (within {@link #SLACK_NANOS}), until it has reported {@code limit} keys as due.
   *
   * @param atNanos the sweep's time
   * @param limit the most due keys to visit
   * @param judge says whether a key is due at {@code atNanos}, later, gone (gone ones are dropped),
   *     or taken by the judge itself
   * @param visit takes each due key
   * @return how many due keys were visited
   */
  int sweep(long atNanos, int limit, Function<String, State> judge, Consumer<String> visit) {
    Cursor[] cursors = new Cursor[LANES * 2];
    int n = 0;
    for (Lane lane : lanes) {
      Entry head = lane.ordered.peek();
      if (head != null && !head.endsWindow(atNanos)) { // else nothing in it is due
        cursors[n++] = lane.new OrderedCursor(atNanos);
      }
      if (!lane.stragglers.isEmpty()) {
        cursors[n++] = lane.new StragglerCursor(atNanos);
      }
    }
    int visited = 0;
    while (visited < limit) {
      Cursor from = null;
      for (int i = 0; i < n; i++) {
        Entry e = cursors[i].peek();
        if (e != null && (from == null || e.at < from.current.at)) {
          from = cursors[i];
        }
      }
      if (from == null) {
        break;
      }
      String key = from.take().key; // read once: the owner may cancel it meanwhile
      switch (key == null ? State.GONE : judge.apply(key)) {
        case DUE:
          visit.accept(key);
          visited++;
          break;
        case TAKEN:
          visit.accept(key);
          visited++;
          from.remove();
          break;
        case GONE:
          from.remove();
          break;
        default:
          break;
      }
    }
    for (int i = 0; i < n; i++) {
      cursors[i].finish();
    }
    return visited;
  }

  /** How many keys are queued, for tests (walks every entry). */
  int size() {
    int n = 0;
    for (Lane lane : lanes) {
      n += lane.ordered.size();
      for (Queue<Entry> q : lane.stragglers.values()) {
        n += q.size();
      }
    }
    return n;
  }

  /** One lane's ordered queue and its stragglers by second. */
  private static final class Lane {
    final ConcurrentLinkedQueue<Entry> ordered = new ConcurrentLinkedQueue<>();
    /**
     * Guards {@link #latest}, keeps appends to {@link #ordered} in the order it was read, and makes a
     * straggler's add and a sweep's dropping of its empty bucket exclusive (else the add could land
     * in a dropped bucket and be lost).
     */
    final Object lock = new Object();
    long latest = Long.MIN_VALUE;
    final ConcurrentSkipListMap<Long, Queue<Entry>> stragglers = new ConcurrentSkipListMap<>();

    void add(Entry entry) {
      long at = entry.at;
      synchronized (lock) {
        if (latest == Long.MIN_VALUE || at >= latest - SLACK_NANOS) {
          latest = Math.max(latest, at);
          ordered.add(entry);
        } else {
          stragglers.computeIfAbsent(Math.floorDiv(at, NANOS_PER_SECOND), s -> new ConcurrentLinkedQueue<>())
              .add(entry);
        }
      }
    }

    /** The ordered queue up to {@link #SLACK_NANOS} past the sweep's time; not-due entries before it are skipped. */
    final class OrderedCursor extends Cursor {
      private final long atNanos;
      private boolean done;

      OrderedCursor(long atNanos) {
        this.atNanos = atNanos;
        this.it = ordered.iterator();
      }

      @Override
      Entry peek() {
        while (current == null && !done) {
          if (!it.hasNext()) {
            done = true;
            break;
          }
          Entry e = it.next();
          if (e.at <= atNanos) {
            current = e;
          } else if (e.endsWindow(atNanos)) {
            done = true;
          }
        }
        return current;
      }
    }

    /** The stragglers of every second up to the sweep's. */
    final class StragglerCursor extends Cursor {
      private final long atNanos;
      private final long lastSecond;
      private final Iterator<Map.Entry<Long, Queue<Entry>>> buckets;
      private Map.Entry<Long, Queue<Entry>> bucket;

      StragglerCursor(long atNanos) {
        this.atNanos = atNanos;
        this.lastSecond = Math.floorDiv(atNanos, NANOS_PER_SECOND);
        this.buckets = stragglers.headMap(lastSecond, true).entrySet().iterator();
      }

      @Override
      Entry peek() {
        while (current == null) {
          if (it != null && it.hasNext()) {
            Entry e = it.next();
            if (e.at <= atNanos) {
              current = e;
            }
            continue;
          }
          finish();
          if (!buckets.hasNext()) {
            bucket = null;
            it = null;
            return null;
          }
          bucket = buckets.next();
          it = bucket.getValue().iterator();
        }
        return current;
      }

      /** A past second's empty bucket goes (a late straggler makes a new one); the current one's stays. */
      @Override
      void finish() {
        if (bucket != null && bucket.getKey() < lastSecond && bucket.getValue().isEmpty()) {
          synchronized (lock) {
            if (bucket.getValue().isEmpty()) {
              stragglers.remove(bucket.getKey(), bucket.getValue());
            }
          }
        }
      }
    }
  }

  /** A queued key; its owner may cancel it. */
  static final class Entry {
    /**
     * The subject, or null once the owner cancelled the entry (no flag: an entry is 24 bytes, and a
     * boolean would make it 32). Plain on purpose: a sweep that reads it stale asks its judge, which
     * answers from the subject itself.
     */
    private String key;
    final long at;

    Entry(String key, long at) {
      this.key = key;
      this.at = at;
    }

    /**
     * Whether neither this entry nor any queued behind it in its ordered queue is due at {@code atNanos}: each
     * came at most {@link #SLACK_NANOS} earlier than the latest before it.
     */
    boolean endsWindow(long atNanos) {
      return at - SLACK_NANOS > atNanos;
    }

    /** Drops this entry at its sweep without asking the judge: its subject is gone or expires at another time. */
    void cancel() {
      key = null;
    }
  }

  /** Due entries of one structure, earliest first: peek, then take and maybe remove. */
  private abstract static class Cursor {
    /** Walks the structure; its last returned entry is {@link #current} until taken. */
    Iterator<Entry> it;
    Entry current;

    /** The next due entry, or null when there is none. */
    abstract Entry peek();

    /** Takes the entry {@link #peek} returned. */
    final Entry take() {
      Entry e = current;
      current = null;
      return e;
    }

    /** Removes the entry {@link #take} returned. */
    final void remove() {
      it.remove();
    }

    /** Called once the sweep is over. */
    void finish() {
    }
  }
}

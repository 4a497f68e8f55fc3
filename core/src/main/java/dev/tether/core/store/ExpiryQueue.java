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
 * other in the order they came). Links and flows are issued with a fixed
 * time to live, so keys nearly always arrive in the order they expire: those go to the tail of one
 * queue (an append under a short lock), and a sweep walks it from the head and stops a little past
 * the sweep's time. A key that arrives more than {@link #SLACK_NANOS} earlier than the latest
 * appended one (a shorter time to live, a clock set back, another engine's skewed clock) goes to a
 * map of seconds instead; a sweep merges the two. Entries are never removed when their subject
 * changes: a sweep asks {@code judge} about each due one and drops those that are gone, so each
 * structure holds at most what was added since its entries last came due. Thread-safe.
 */
final class ExpiryQueue {
  /** What a sweep learns about a queued key that is due by its queued time. */
  enum State {
    /** Due at the sweep's time: report it (and keep it until it is gone). */
    DUE,
    /** Its subject expires later now (another entry was queued for that): keep it until it is gone. */
    LATER,
    /** Gone or no longer expiring: drop it. */
    GONE
  }

  /** How far out of order a key may sit in the ordered queue (and so how far past it a sweep looks). */
  static final long SLACK_NANOS = 1_000_000_000L;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final ConcurrentLinkedQueue<Entry> ordered = new ConcurrentLinkedQueue<>();
  /**
   * Guards {@link #latest}, keeps appends to {@link #ordered} in the order it was read, and makes a
   * straggler's add and a sweep's dropping of its empty bucket exclusive (else the add could land in
   * a dropped bucket and be lost).
   */
  private final Object lock = new Object();
  private long latest = Long.MIN_VALUE;
  private final ConcurrentSkipListMap<Long, Queue<Entry>> stragglers = new ConcurrentSkipListMap<>();

  /**
   * Queues {@code key} to expire at {@code expiresAtNanos} (epoch nanoseconds).
   *
   * @param key the subject
   * @param expiresAtNanos when it expires
   */
  void add(String key, long expiresAtNanos) {
    Entry entry = new Entry(key, expiresAtNanos);
    synchronized (lock) {
      if (latest == Long.MIN_VALUE || expiresAtNanos >= latest - SLACK_NANOS) {
        latest = Math.max(latest, expiresAtNanos);
        ordered.add(entry);
      } else {
        stragglers.computeIfAbsent(Math.floorDiv(expiresAtNanos, NANOS_PER_SECOND), s -> new ConcurrentLinkedQueue<>())
            .add(entry);
      }
    }
  }

  /**
   * Calls {@code visit} with each key queued to expire at or before {@code atNanos}, earliest
   * first (within {@link #SLACK_NANOS}), until it has reported {@code limit} keys as due.
   *
   * @param atNanos the sweep's time
   * @param limit the most due keys to visit
   * @param judge says whether a key is due at {@code atNanos}, later, or gone (gone ones are dropped)
   * @param visit takes each due key
   * @return how many due keys were visited
   */
  int sweep(long atNanos, int limit, Function<String, State> judge, Consumer<String> visit) {
    OrderedCursor fromOrdered = new OrderedCursor(atNanos);
    StragglerCursor fromStragglers = stragglers.isEmpty() ? null : new StragglerCursor(atNanos);
    int visited = 0;
    while (visited < limit) {
      Entry a = fromOrdered.peek();
      Entry b = fromStragglers == null ? null : fromStragglers.peek();
      if (a == null && b == null) {
        break;
      }
      Cursor from = b == null || (a != null && a.at <= b.at) ? fromOrdered : fromStragglers;
      Entry next = from.take();
      switch (judge.apply(next.key)) {
        case DUE:
          visit.accept(next.key);
          visited++;
          break;
        case GONE:
          from.remove();
          break;
        default:
          break;
      }
    }
    if (fromStragglers != null) {
      fromStragglers.dropIfEmptyAndPast();
    }
    return visited;
  }

  /** How many keys are queued, for tests (walks every entry). */
  int size() {
    int n = ordered.size();
    for (Queue<Entry> q : stragglers.values()) {
      n += q.size();
    }
    return n;
  }

  /** A queued key. Immutable. */
  private static final class Entry {
    final String key;
    final long at;

    Entry(String key, long at) {
      this.key = key;
      this.at = at;
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
  }

  /** The ordered queue up to {@link #SLACK_NANOS} past the sweep's time; not-due entries before it are skipped. */
  private final class OrderedCursor extends Cursor {
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
        } else if (e.at - SLACK_NANOS > atNanos) {
          done = true; // everything behind it expires later than the sweep's time
        }
      }
      return current;
    }
  }

  /** The stragglers of every second up to the sweep's. */
  private final class StragglerCursor extends Cursor {
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
        dropIfEmptyAndPast();
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
    void dropIfEmptyAndPast() {
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

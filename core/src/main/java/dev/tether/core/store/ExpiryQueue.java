package dev.tether.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * Keys with the time they expire, swept earliest first (keys within {@link #SLACK_NANOS} of each
 * other may come in either order). Links and flows are issued with a fixed time to live, so keys
 * nearly always arrive in the order they expire: those go to the tail of an ordered list (an
 * append under a short lock; each entry is its own list node), and a sweep walks it from the head
 * and stops a little past the sweep's time. A key that arrives more than {@link #SLACK_NANOS}
 * earlier than the latest appended one (a shorter time to live, a clock set back, another engine's
 * skewed clock) goes to a map of seconds instead. Each adding thread uses one of {@link #LANES}
 * lanes (threads adding at once share no lock, tail or cache line unless their ids meet modulo
 * {@code LANES}), and a sweep, one at a time, merges every lane's two structures. Entries are never
 * removed when their subject changes: the owner {@linkplain ExpiryEntry#cancel() cancels} an entry it
 * knows is dead (the sweep then drops it without asking), and a sweep asks {@code judge} about each
 * other due one and drops those that are gone, so each structure holds at most what was added
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

  /** How far out of order a key may sit in an ordered list (and so how far past it a sweep looks). */
  static final long SLACK_NANOS = 1_000_000_000L;
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  /**
   * The smallest power of two at or above twice the processors, at most 64: threads with
   * consecutive ids never share a lane, and a sweep peeks at every lane.
   */
  static final int LANES = Math.min(64,
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1));

  private final Lane[] lanes = new Lane[LANES];
  /** One sweep at a time (a sweep is the only one to unlink); not the queue's own header, beside {@link #lanes}. */
  private final Object sweepLock = new Object();

  ExpiryQueue() {
    for (int i = 0; i < LANES; i++) {
      lanes[i] = new Lane();
    }
  }

  /** Queues a new entry made by its owner (who may publish it first), once, in the calling thread's lane. */
  void add(ExpiryEntry entry) {
    lanes[(int) Thread.currentThread().getId() & (LANES - 1)].add(entry);
  }

  /**
   * Calls {@code visit} with each key queued to expire at or before {@code atNanos}, earliest
   * first (within {@link #SLACK_NANOS}), until it has reported {@code limit} keys as due; one sweep
   * at a time, so {@code judge} and {@code visit} (run under its lock) must not sweep this queue.
   *
   * @param atNanos the sweep's time
   * @param limit the most due keys to visit
   * @param judge says whether a key is due at {@code atNanos}, later, gone (gone ones are dropped),
   *     or taken by the judge itself; it sees the entry too, so an owner whose entries carry what it
   *     judges by (a pending link its account) needs no lookup
   * @param visit takes each due key
   * @return how many due keys were visited
   */
  int sweep(long atNanos, int limit, Judge judge, Consumer<String> visit) {
    synchronized (sweepLock) {
      return sweepAlone(atNanos, limit, judge, visit);
    }
  }

  /** Judges a queued key that is due by its queued time. */
  @FunctionalInterface
  interface Judge {
    /**
     * Judges one entry.
     *
     * @param key the entry's key as the sweep read it (never null: a cancelled entry is not judged)
     * @param entry the entry itself, which its owner may cancel meanwhile
     * @return what the sweep does with it
     */
    State judge(String key, ExpiryEntry entry);
  }

  private int sweepAlone(long atNanos, int limit, Judge judge, Consumer<String> visit) {
    Cursor[] cursors = new Cursor[LANES * 2];
    int n = 0;
    for (Lane lane : lanes) {
      ExpiryEntry first = lane.head.next();
      if (first != null && !first.endsWindow(atNanos)) { // else nothing in it is due
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
        ExpiryEntry e = cursors[i].peek();
        if (e != null && (from == null || e.at < from.current.at)) {
          from = cursors[i];
        }
      }
      if (from == null) {
        break;
      }
      ExpiryEntry entry = from.take();
      String key = entry.key(); // read once: the owner may cancel it meanwhile
      switch (key == null ? State.GONE : judge.judge(key, entry)) {
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
    synchronized (sweepLock) {
      for (Lane lane : lanes) {
        for (ExpiryEntry e = lane.head.next(); e != null; e = e.next()) {
          n++;
        }
        for (Queue<ExpiryEntry> q : lane.stragglers.values()) {
          n += q.size();
        }
      }
    }
    return n;
  }

  /** What a sweep reads of a lane, first in the object and never written after construction. */
  @SuppressWarnings("unused")
  private abstract static class LaneEnds {
    /**
     * Fills the 4 bytes before {@link LanePad}'s longs, where HotSpot would otherwise put a
     * subclass's {@code int}: the adder's lock word, on the header line (JOL showed it at offset 20).
     */
    int gap;
    final ExpiryEntry head = new ExpiryEntry.Head();
    /**
     * A straggler's add and a sweep's dropping of its empty bucket hold the lane's lock (else the
     * add could land in a dropped bucket and be lost).
     */
    final ConcurrentSkipListMap<Long, Queue<ExpiryEntry>> stragglers = new ConcurrentSkipListMap<>();
  }

  /** A cache line between what a sweep reads and what the adder writes. */
  @SuppressWarnings("unused")
  private abstract static class LanePad extends LaneEnds {
    long p00, p01, p02, p03, p04, p05, p06, p07;
  }

  /** What the adder writes: the lane's lock, the list's last entry (the head when empty), the latest time appended. */
  private abstract static class LaneTail extends LanePad {
    int held;
    ExpiryEntry tail;
    long latest = Long.MIN_VALUE;
  }

  /**
   * One lane: an ordered singly linked list of entries, appended under the lane's lock, and its
   * stragglers by second. The list is intrusive (an entry is its own node): no node per key, and a
   * sweep unlinks an entry at once. Only a sweep (one at a time) unlinks; it unlinks the tail only
   * under the lane's lock, and any other entry without it, because an add writes nothing but the
   * tail's link. The lock is a field, not the monitor, so the object's header line (with the ends a
   * sweep reads) is never written; a cache line of padding sits on each side of what the adder
   * writes, so a sweep reading the ends and neighbouring objects do not share its line.
   */
  @SuppressWarnings("unused")
  private static final class Lane extends LaneTail {
    private static final VarHandle HELD;

    static {
      try {
        HELD = MethodHandles.lookup().findVarHandle(LaneTail.class, "held", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    long q00, q01, q02, q03, q04, q05, q06, q07;

    Lane() {
      tail = head;
    }

    /** Held for a few writes at a time, and nearly always by the lane's one adder: spins, then yields. */
    void lock() {
      for (int spins = 0; !HELD.compareAndSet(this, 0, 1); spins++) {
        if (spins < 64) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void unlock() {
      HELD.setRelease(this, 0);
    }

    void add(ExpiryEntry entry) {
      long at = entry.at;
      lock();
      try {
        if (latest == Long.MIN_VALUE || at >= latest - SLACK_NANOS) {
          latest = Math.max(latest, at);
          tail.setNext(entry);
          tail = entry;
        } else {
          stragglers.computeIfAbsent(Math.floorDiv(at, NANOS_PER_SECOND), s -> new ConcurrentLinkedQueue<>())
              .add(entry);
        }
      } finally {
        unlock();
      }
    }

    /** Unlinks {@code e}, which follows {@code prev}; only the sweep calls this. */
    void unlink(ExpiryEntry prev, ExpiryEntry e) {
      ExpiryEntry next = e.next();
      if (next == null) {
        lock();
        try {
          next = e.next();
          if (next == null) { // still the tail: the next add links after prev
            prev.setNext(null);
            tail = prev;
            return;
          }
        } finally {
          unlock();
        }
      }
      prev.setNext(next);
      e.setNext(null); // no add links after it (it is not the tail), and the sweep walks on from prev
    }

    /** The ordered list up to {@link #SLACK_NANOS} past the sweep's time; not-due entries before it are skipped. */
    final class OrderedCursor extends Cursor {
      private final long atNanos;
      /** The last entry walked and kept; {@code current} (when set) follows it. */
      private ExpiryEntry prev = head;
      private boolean done;

      OrderedCursor(long atNanos) {
        this.atNanos = atNanos;
      }

      @Override
      ExpiryEntry peek() {
        while (current == null && !done) {
          ExpiryEntry e = (taken != null ? taken : prev).next();
          if (taken != null) { // kept: walk on from it
            prev = taken;
            taken = null;
          }
          if (e == null) {
            done = true;
          } else if (e.at <= atNanos) {
            current = e;
          } else if (e.endsWindow(atNanos)) {
            done = true;
          } else {
            prev = e;
          }
        }
        return current;
      }

      @Override
      void remove() {
        unlink(prev, taken);
        taken = null;
      }
    }

    /** The stragglers of every second up to the sweep's. */
    final class StragglerCursor extends Cursor {
      private final long atNanos;
      private final long lastSecond;
      private final Iterator<Map.Entry<Long, Queue<ExpiryEntry>>> buckets;
      private Map.Entry<Long, Queue<ExpiryEntry>> bucket;
      private Iterator<ExpiryEntry> it;

      StragglerCursor(long atNanos) {
        this.atNanos = atNanos;
        this.lastSecond = Math.floorDiv(atNanos, NANOS_PER_SECOND);
        this.buckets = stragglers.headMap(lastSecond, true).entrySet().iterator();
      }

      @Override
      ExpiryEntry peek() {
        taken = null;
        while (current == null) {
          if (it != null && it.hasNext()) {
            ExpiryEntry e = it.next();
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

      @Override
      void remove() {
        it.remove();
        taken = null;
      }

      /** A past second's empty bucket goes (a late straggler makes a new one); the current one's stays. */
      @Override
      void finish() {
        if (bucket != null && bucket.getKey() < lastSecond && bucket.getValue().isEmpty()) {
          lock();
          try {
            if (bucket.getValue().isEmpty()) {
              stragglers.remove(bucket.getKey(), bucket.getValue());
            }
          } finally {
            unlock();
          }
        }
      }
    }
  }

  /** Due entries of one structure, earliest first: peek, then take and maybe remove. */
  private abstract static class Cursor {
    /** The due entry {@link #peek} returned, until taken. */
    ExpiryEntry current;
    /** The entry {@link #take} returned, until the next peek or its removal. */
    ExpiryEntry taken;

    /** The next due entry, or null when there is none. */
    abstract ExpiryEntry peek();

    /** Takes the entry {@link #peek} returned. */
    final ExpiryEntry take() {
      taken = current;
      current = null;
      return taken;
    }

    /** Removes the entry {@link #take} returned. */
    abstract void remove();

    /** Called once the sweep is over. */
    void finish() {
    }
  }
}

package dev.tether.core.store;

import java.util.Iterator;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Keys by the second they expire in: adding one is a map lookup and a queue append (links are
 * issued on a hot path), and a sweep walks the due seconds in order. Entries are never removed when
 * their subject changes; a sweep asks {@code state} about each and drops those that are gone, so
 * the queue holds at most what was added since the last sweep of its second. Thread-safe.
 */
final class ExpiryQueue {
  /** What a sweep learns about a queued key. */
  enum State {
    /** Due at the sweep's time: report it (and keep it until it is gone). */
    DUE,
    /** Not due yet (it moved later, or its second is the current one). */
    LATER,
    /** Gone or no longer expiring: drop it. */
    GONE
  }

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private final ConcurrentSkipListMap<Long, Queue<String>> bySecond = new ConcurrentSkipListMap<>();

  /**
   * Queues {@code key} to expire at {@code expiresAtNanos} (epoch nanoseconds).
   *
   * @param key the subject
   * @param expiresAtNanos when it expires
   */
  void add(String key, long expiresAtNanos) {
    long second = Math.floorDiv(expiresAtNanos, NANOS_PER_SECOND);
    Queue<String> queue = bySecond.get(second);
    if (queue == null) {
      queue = bySecond.computeIfAbsent(second, s -> new ConcurrentLinkedQueue<>());
    }
    queue.add(key);
  }

  /**
   * Calls {@code visit} with each key queued for a second at or before {@code atNanos}, earliest
   * second first, until it has reported {@code limit} keys as due.
   *
   * @param atNanos the sweep's time
   * @param limit the most due keys to visit
   * @param judge says whether a key is due at {@code atNanos}, later, or gone (gone ones are dropped)
   * @param visit takes each due key
   * @return how many due keys were visited
   */
  int sweep(long atNanos, int limit, Function<String, State> judge, Consumer<String> visit) {
    long lastSecond = Math.floorDiv(atNanos, NANOS_PER_SECOND);
    int visited = 0;
    for (Map.Entry<Long, Queue<String>> bucket : bySecond.headMap(lastSecond, true).entrySet()) {
      Queue<String> queue = bucket.getValue();
      for (Iterator<String> it = queue.iterator(); it.hasNext() && visited < limit; ) {
        String key = it.next();
        switch (judge.apply(key)) {
          case DUE:
            visit.accept(key);
            visited++;
            break;
          case GONE:
            it.remove();
            break;
          default:
            break;
        }
      }
      // A past second gets no more keys (links expire after they are issued), so its empty
      // queue can go; the current second's stays for the keys still arriving.
      if (queue.isEmpty() && bucket.getKey() < lastSecond) {
        bySecond.remove(bucket.getKey(), queue);
      }
      if (visited >= limit) {
        break;
      }
    }
    return visited;
  }
}

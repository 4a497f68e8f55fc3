package dev.tether.store.postgres;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Values read from the database, kept in memory while the change feed is up: the hot reads (a
 * pair's slot, "is this user connected to these toolkits?", and a session) are answered without a
 * round trip. An entry is replaced or dropped when this node changes it, and dropped when another
 * node's change arrives on the feed; everything is dropped, and nothing is cached, while the
 * feed's connection is down. A read that started before an invalidation never enters the cache
 * (the generation check), so an entry is never older than the last notification this node has
 * received. Thread-safe.
 */
final class NearCache<K, V> {
  private final Cache<K, V> entries;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean enabled;

  /** @param maxEntries how many to keep; 0 caches nothing */
  NearCache(int maxEntries) {
    this.entries = maxEntries == 0 ? null : Caffeine.newBuilder().maximumSize(maxEntries).build();
  }

  /** The cached value, or null. */
  V get(K key) {
    return entries == null || !enabled ? null : entries.getIfPresent(key);
  }

  /** Taken before reading the database; {@link #put} keeps the read only if nothing was invalidated since. */
  long generation() {
    return generation.get();
  }

  void put(K key, V value, long readAt) {
    if (entries == null || !enabled || generation.get() != readAt) {
      return;
    }
    entries.put(key, value);
    if (generation.get() != readAt) {
      entries.invalidate(key); // an invalidation raced with the put: the read may be stale
    }
  }

  /**
   * What this node just wrote, so it is what the database held when the write committed. Kept only
   * if nothing was invalidated since {@code writeStartedAt} (the {@link #generation()} taken before
   * the write): otherwise another node's later change may have been heard and dropped already, and
   * this value would hide it until the next change; then the entry is dropped instead. Either way
   * the generation moves on, so a read of this node's that started before the write (and would put
   * the value as it was) never enters the cache.
   */
  void replace(K key, V value, long writeStartedAt) {
    long after = writeStartedAt + 1;
    if (!generation.compareAndSet(writeStartedAt, after)) {
      invalidate(key);
      return;
    }
    if (entries != null && enabled) {
      entries.put(key, value);
      if (generation.get() != after) {
        entries.invalidate(key); // an invalidation raced with the put: it may be of a later change
      }
    }
  }

  void invalidate(K key) {
    generation.incrementAndGet();
    if (entries != null) {
      entries.invalidate(key);
    }
  }

  /** The feed is up (again): changes may have been missed while it was down. */
  void enable() {
    generation.incrementAndGet();
    if (entries != null) {
      entries.invalidateAll();
    }
    enabled = true;
  }

  /** The feed is down: no notification would tell us of a change. */
  void disable() {
    enabled = false;
    generation.incrementAndGet();
    if (entries != null) {
      entries.invalidateAll();
    }
  }
}

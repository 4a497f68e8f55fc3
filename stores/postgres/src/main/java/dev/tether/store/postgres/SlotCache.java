package dev.tether.store.postgres;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.tether.core.store.Slot;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The near cache of slots read from the database: "is this user connected to these toolkits?" is
 * answered from memory while the change feed is up. An entry is dropped when this node commits to
 * its pair, when a commit against it conflicts, and when another node's commit to the pair arrives
 * on the feed; everything is dropped, and nothing cached, while the feed's connection is down.
 * A read that started before an invalidation never enters the cache (the generation check), so
 * an entry is never older than the last notification this node has received. Thread-safe.
 */
final class SlotCache {
  private record Key(String userId, String toolkit) {}

  private final Cache<Key, Slot> slots;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean enabled;

  /** @param maxSlots how many pairs to keep; 0 caches nothing */
  SlotCache(int maxSlots) {
    this.slots = maxSlots == 0 ? null : Caffeine.newBuilder().maximumSize(maxSlots).build();
  }

  /** The cached slot, or null. */
  Slot get(String userId, String toolkit) {
    return slots == null || !enabled ? null : slots.getIfPresent(new Key(userId, toolkit));
  }

  /** Taken before reading the database; {@link #put} keeps the read only if nothing was invalidated since. */
  long generation() {
    return generation.get();
  }

  void put(Slot slot, long readAt) {
    if (slots == null || !enabled || generation.get() != readAt) {
      return;
    }
    Key key = new Key(slot.userId(), slot.toolkit());
    slots.put(key, slot);
    if (generation.get() != readAt) {
      slots.invalidate(key); // an invalidation raced with the put: the read may be stale
    }
  }

  void invalidate(String userId, String toolkit) {
    generation.incrementAndGet();
    if (slots != null) {
      slots.invalidate(new Key(userId, toolkit));
    }
  }

  /** The feed is up (again): changes may have been missed while it was down. */
  void enable() {
    generation.incrementAndGet();
    if (slots != null) {
      slots.invalidateAll();
    }
    enabled = true;
  }

  /** The feed is down: no notification would tell us of a change. */
  void disable() {
    enabled = false;
    generation.incrementAndGet();
    if (slots != null) {
      slots.invalidateAll();
    }
  }

  boolean enabled() {
    return slots != null && enabled;
  }
}

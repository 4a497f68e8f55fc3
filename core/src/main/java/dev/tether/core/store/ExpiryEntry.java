package dev.tether.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A queued key, and the link to the next one in its lane's ordered list; its owner may cancel it. */
class ExpiryEntry {
  private static final VarHandle NEXT;

  static {
    try {
      NEXT = MethodHandles.lookup().findVarHandle(ExpiryEntry.class, "next", ExpiryEntry.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The subject, or null once cancelled; plain: a sweep that reads it stale asks its judge, which
   * either removes the subject only if this entry is still its map value (flows) or judges a record
   * that may just have been replaced (pending links: their due list is a hint their owner re-decides
   * on).
   */
  private String key;
  final long at;
  /** The next entry of the ordered list: written with release, read with acquire ({@link #NEXT}). */
  @SuppressWarnings("unused")
  private ExpiryEntry next;

  ExpiryEntry(String key, long at) {
    this.key = key;
    this.at = at;
  }

  /**
   * Whether neither this entry nor any queued behind it in its ordered list is due at {@code atNanos}: each
   * came at most {@link ExpiryQueue#SLACK_NANOS} earlier than the latest before it.
   */
  boolean endsWindow(long atNanos) {
    return at - ExpiryQueue.SLACK_NANOS > atNanos;
  }

  /** The subject, or null once cancelled. */
  String key() {
    return key;
  }

  /** Drops this entry at its sweep without asking the judge: its subject is gone or expires at another time. */
  void cancel() {
    key = null;
  }

  ExpiryEntry next() {
    return (ExpiryEntry) NEXT.getAcquire(this);
  }

  /** Publishes {@code next} with its fields (a plain key included) to a sweep that reads it. */
  void setNext(ExpiryEntry next) {
    NEXT.setRelease(this, next);
  }

  /** A lane's head sentinel, padded: the sweep writes its link, and adding threads must not share the line. */
  @SuppressWarnings("unused")
  static final class Head extends ExpiryEntry {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;

    Head() {
      super(null, Long.MIN_VALUE);
    }
  }
}

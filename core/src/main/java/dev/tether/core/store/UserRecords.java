package dev.tether.core.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the in-memory store keeps one user's accounts, all toolkits, in one map value: the record
 * itself (the common case, no array) or {@link Several}. Values are immutable and replaced whole on
 * every change, so a lock-free reader sees a consistent snapshot. Static helpers; thread-safe.
 */
final class UserRecords {
  static final StoredAccount[] NONE = new StoredAccount[0];

  private UserRecords() {}

  /** The records of {@code toolkit} (all when null), oldest first; an immutable list. */
  static List<StoredAccount> select(Object records, String toolkit) {
    if (records == null) {
      return List.of();
    }
    if (records instanceof StoredAccount) {
      StoredAccount r = (StoredAccount) records;
      return toolkit == null || sameToolkit(r, toolkit) ? List.of(r) : List.of();
    }
    Several several = (Several) records;
    if (toolkit == null) {
      return List.of(several.all);
    }
    if (several.byToolkit != null) {
      return several.byToolkit.getOrDefault(toolkit, List.of());
    }
    // Counted first: one or two matches (nearly always) make a List.of of them and nothing else.
    StoredAccount first = null;
    StoredAccount second = null;
    int n = 0;
    for (StoredAccount r : several.all) {
      if (sameToolkit(r, toolkit)) {
        if (n == 0) {
          first = r;
        } else if (n == 1) {
          second = r;
        }
        n++;
      }
    }
    if (n <= 2) {
      return n == 0 ? List.of() : n == 1 ? List.of(first) : List.of(first, second);
    }
    StoredAccount[] out = new StoredAccount[n];
    int i = 0;
    for (StoredAccount r : several.all) {
      if (sameToolkit(r, toolkit)) {
        out[i++] = r;
      }
    }
    return List.of(out);
  }

  /**
   * Whether the records of {@code toolkit} are exactly {@code read}, in order and by identity
   * (records are replaced on every change), without building the list {@link #select} would. Unlike
   * {@code select}, one toolkit only: {@code toolkit} is never null.
   */
  static boolean same(Object records, String toolkit, List<StoredAccount> read) {
    Objects.requireNonNull(toolkit, "toolkit");
    if (records == null) {
      return read.isEmpty();
    }
    if (records instanceof StoredAccount) {
      StoredAccount r = (StoredAccount) records;
      return sameToolkit(r, toolkit) ? read.size() == 1 && read.get(0) == r : read.isEmpty();
    }
    Several several = (Several) records;
    if (several.byToolkit != null) {
      return identical(several.byToolkit.getOrDefault(toolkit, List.of()), read);
    }
    int j = 0;
    for (StoredAccount r : several.all) {
      if (sameToolkit(r, toolkit)) {
        if (j >= read.size() || read.get(j) != r) {
          return false;
        }
        j++;
      }
    }
    return j == read.size();
  }

  private static boolean identical(List<StoredAccount> now, List<StoredAccount> read) {
    if (now.size() != read.size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      if (now.get(i) != read.get(i)) {
        return false;
      }
    }
    return true;
  }

  /** Compares the (cached) hashes first: most records of a many-toolkit user are other toolkits. */
  static boolean sameToolkit(StoredAccount r, String toolkit) {
    String t = r.toolkit();
    return t == toolkit || (t.hashCode() == toolkit.hashCode() && t.equals(toolkit));
  }

  static StoredAccount[] array(Object records) {
    return records == null ? NONE
        : records instanceof StoredAccount ? new StoredAccount[] {(StoredAccount) records} : ((Several) records).all;
  }

  /**
   * Replaces the record with the same id in place, or inserts a new one after every record created
   * no later: oldest first even when engines with skewed clocks commit out of creation order (the
   * common case, a newest record, appends).
   */
  static StoredAccount[] with(StoredAccount[] current, StoredAccount record) {
    for (int i = 0; i < current.length; i++) {
      if (current[i].id().equals(record.id())) {
        StoredAccount[] next = current.clone();
        next[i] = record;
        return next;
      }
    }
    int at = current.length;
    while (at > 0 && current[at - 1].createdAtNanos() > record.createdAtNanos()) {
      at--;
    }
    StoredAccount[] next = new StoredAccount[current.length + 1];
    System.arraycopy(current, 0, next, 0, at);
    next[at] = record;
    System.arraycopy(current, at, next, at + 1, current.length - at);
    return next;
  }

  static StoredAccount[] without(StoredAccount[] current, String id, String toolkit) {
    for (int i = 0; i < current.length; i++) {
      if (current[i].id().equals(id) && sameToolkit(current[i], toolkit)) {
        StoredAccount[] next = new StoredAccount[current.length - 1];
        System.arraycopy(current, 0, next, 0, i);
        System.arraycopy(current, i + 1, next, i, current.length - i - 1);
        return next;
      }
    }
    return current;
  }

  /** The map value for a user's records: the record itself, or {@link Several}. */
  static Object compact(StoredAccount[] records) {
    return records.length == 1 ? records[0] : new Several(records);
  }

  /**
   * Two or more records of one user, oldest first. Past {@value #INDEX_FROM} of them they are also
   * indexed by toolkit, so asking about N toolkits costs N lookups rather than N scans. Immutable.
   */
  static final class Several {
    static final int INDEX_FROM = 5;
    final StoredAccount[] all;
    /** toolkit → its records, oldest first; null below {@link #INDEX_FROM}. */
    final Map<String, List<StoredAccount>> byToolkit;

    Several(StoredAccount[] all) {
      this.all = all;
      if (all.length < INDEX_FROM) {
        this.byToolkit = null;
        return;
      }
      Map<String, List<StoredAccount>> grouped = new HashMap<>();
      for (StoredAccount r : all) {
        grouped.computeIfAbsent(r.toolkit(), t -> new ArrayList<>(1)).add(r);
      }
      grouped.replaceAll((t, rs) -> List.copyOf(rs));
      this.byToolkit = Map.copyOf(grouped);
    }
  }
}

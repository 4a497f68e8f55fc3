package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tether.core.ConnectionStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One user's records as one map value: selecting a toolkit's records, and checking a commit's read
 * against them without building that list, for every shape the value takes (none, one record, a few,
 * and enough to be indexed by toolkit).
 */
class UserRecordsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static StoredAccount account(String id, String toolkit, int second) {
    return StoredAccount.builder(id, "user", toolkit, ConnectionStatus.ACTIVE, T0.plusSeconds(second)).build();
  }

  /** The map value holding {@code records}, built as commits build it. */
  private static Object value(StoredAccount... records) {
    StoredAccount[] all = UserRecords.NONE;
    for (StoredAccount r : records) {
      all = UserRecords.with(all, r);
    }
    return all.length == 0 ? null : UserRecords.compact(all);
  }

  /** Every shape, with a few records of "gmail" among records of other toolkits. */
  private static List<StoredAccount[]> shapes() {
    List<StoredAccount[]> shapes = new ArrayList<>();
    shapes.add(new StoredAccount[0]);
    shapes.add(new StoredAccount[] {account("g1", "gmail", 1)});
    shapes.add(new StoredAccount[] {account("s1", "slack", 1)});
    shapes.add(new StoredAccount[] {account("g1", "gmail", 1), account("s1", "slack", 2)});
    shapes.add(new StoredAccount[] {account("s1", "slack", 1), account("g1", "gmail", 2), account("g2", "gmail", 3)});
    shapes.add(new StoredAccount[] {account("g1", "gmail", 1), account("g2", "gmail", 2), account("s1", "slack", 3),
        account("g3", "gmail", 4)});
    shapes.add(new StoredAccount[] {account("g1", "gmail", 1), account("s1", "slack", 2), account("g2", "gmail", 3),
        account("n1", "notion", 4), account("g3", "gmail", 5), account("s2", "slack", 6)});
    return shapes;
  }

  private static List<StoredAccount> gmailOf(StoredAccount[] records) {
    List<StoredAccount> out = new ArrayList<>();
    for (StoredAccount r : records) {
      if (r.toolkit().equals("gmail")) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void select_givesTheToolkitsRecordsOldestFirst_andAllForNull_inEveryShape() {
    for (StoredAccount[] records : shapes()) {
      Object value = value(records);
      assertThat(UserRecords.select(value, "gmail")).as("%d records", records.length)
          .containsExactlyElementsOf(gmailOf(records));
      assertThat(UserRecords.select(value, "github")).isEmpty();
      assertThat(UserRecords.select(value, null)).containsExactly(records);
    }
  }

  @Test
  void same_acceptsExactlyWhatSelectGives_byIdentity_inEveryShape() {
    for (StoredAccount[] records : shapes()) {
      Object value = value(records);
      List<StoredAccount> read = UserRecords.select(value, "gmail");
      String shape = records.length + " records";
      assertThat(UserRecords.same(value, "gmail", read)).as(shape).isTrue();
      assertThat(UserRecords.same(value, "gmail", List.copyOf(new ArrayList<>(read)))).as(shape).isTrue();
      assertThat(UserRecords.same(value, "github", List.of())).as(shape).isTrue();
      if (read.isEmpty()) {
        assertThat(UserRecords.same(value, "gmail", List.of(account("g9", "gmail", 9)))).as(shape).isFalse();
        continue;
      }
      List<StoredAccount> fewer = read.subList(0, read.size() - 1);
      assertThat(UserRecords.same(value, "gmail", fewer)).as("%s, one missing", shape).isFalse();
      List<StoredAccount> more = new ArrayList<>(read);
      more.add(account("g9", "gmail", 9));
      assertThat(UserRecords.same(value, "gmail", more)).as("%s, one extra", shape).isFalse();
      List<StoredAccount> copy = new ArrayList<>(read);
      StoredAccount last = copy.get(copy.size() - 1);
      copy.set(copy.size() - 1, last.toBuilder().build()); // equal fields, another version
      assertThat(UserRecords.same(value, "gmail", copy)).as("%s, a replaced record", shape).isFalse();
      if (read.size() > 1) {
        List<StoredAccount> reversed = new ArrayList<>(read);
        Collections.reverse(reversed);
        assertThat(UserRecords.same(value, "gmail", reversed)).as("%s, another order", shape).isFalse();
      }
    }
  }
}

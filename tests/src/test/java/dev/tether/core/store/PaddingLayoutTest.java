package dev.tether.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * The padding that keeps one core's writes off the cache lines another core reads, checked on the
 * field layout this JVM really chose (JOL): HotSpot packs a subclass's small fields into gaps of its
 * superclasses, so declaring padding in order does not guarantee it. Once it put the expiry lane's
 * lock word on the header line the sweep reads, which halved the second core's gain.
 *
 * <p>Two bytes share a 64-byte line only if they are less than 64 bytes apart, whatever the object's
 * address: so the written fields must start at least 64 bytes after the last byte read by the
 * other side, and the object must run on at least 64 bytes past them, before a neighbour begins.
 */
class PaddingLayoutTest {
  private static final int LINE = 64;

  @Test
  void anExpiryLane_keepsWhatItsAdderWritesOffTheLinesASweepReadsAndItsNeighbours() throws Exception {
    ClassLayout lane = ClassLayout.parseClass(Class.forName("dev.tether.core.store.ExpiryQueue$Lane"));
    Map<String, FieldLayout> fields = byName(lane);
    Set<String> written = Set.of("held", "tail", "latest");
    Set<String> read = Set.of("head", "stragglers");
    assertThat(fields).containsKeys("held", "tail", "latest", "head", "stragglers");

    long firstWritten = written.stream().mapToLong(f -> fields.get(f).offset()).min().orElseThrow();
    long lastWrittenByte = written.stream().mapToLong(f -> end(fields.get(f))).max().orElseThrow() - 1;
    long lastReadByte = read.stream().mapToLong(f -> end(fields.get(f))).max().orElseThrow() - 1;
    // The header (mark word and class) is read by every access; nothing here may share its line.
    assertThat(firstWritten).as(lane.toPrintable()).isGreaterThanOrEqualTo(LINE);
    assertThat(firstWritten - lastReadByte).as(lane.toPrintable()).isGreaterThanOrEqualTo(LINE);
    assertThat(lane.instanceSize() - lastWrittenByte).as(lane.toPrintable()).isGreaterThanOrEqualTo(LINE);
  }

  @Test
  void aLanesHeadSentinel_endsAtLeastALineAfterTheLinkItsAdderWrites() throws Exception {
    ClassLayout head = ClassLayout.parseClass(Class.forName("dev.tether.core.store.ExpiryEntry$Head"));
    FieldLayout next = byName(head).get("next");
    assertThat(head.instanceSize() - (end(next) - 1)).as(head.toPrintable()).isGreaterThanOrEqualTo(LINE);
  }

  @Test
  void aCommitStripe_keepsItsMonitorALineFromTheNextStripes() throws Exception {
    // The monitor is the mark word at offset 0; the next stripe starts no nearer than this size.
    ClassLayout stripe = ClassLayout.parseClass(Class.forName("dev.tether.core.store.InMemoryConnectionStore$Stripe"));
    assertThat(stripe.instanceSize()).as(stripe.toPrintable()).isGreaterThanOrEqualTo(LINE);
  }

  private static Map<String, FieldLayout> byName(ClassLayout layout) {
    return layout.fields().stream().collect(Collectors.toMap(FieldLayout::name, Function.identity()));
  }

  private static long end(FieldLayout field) {
    return field.offset() + field.size();
  }
}

package io.walstream.archiver.partition;

import static io.walstream.archiver.testing.ChangeRecords.bytes;
import static io.walstream.archiver.testing.ChangeRecords.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.walstream.archive.format.EncodedRecord;
import io.walstream.schemas.avro.ChangeRecord;
import io.walstream.schemas.codec.SingleObjectCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyArenaTest {
  private static EncodedRecord copy(BodyArena arena, ChangeRecord record) {
    byte[] value = bytes(record);
    EncodedRecord encoded =
        arena.copy(
            value,
            SingleObjectCodec.HEADER_SIZE,
            value.length - SingleObjectCodec.HEADER_SIZE,
            record.getLsn(),
            record.getTxIndex(),
            0);
    // The source array may be reused or collected at once: the copy must not depend on it.
    java.util.Arrays.fill(value, (byte) 0);
    return encoded;
  }

  @Test
  void shouldHoldEveryBodyIntactAcrossSlabsAndResets() {
    BodyArena arena = new BodyArena();
    List<ChangeRecord> records = new ArrayList<>();
    List<EncodedRecord> held = new ArrayList<>();
    for (int n = 0; n < 5_000; n++) {
      ChangeRecord record = insert("shop", "orders", n, n, 0, true);
      records.add(record);
      held.add(copy(arena, record));
      if (n % 1_700 == 0) {
        arena.reset();
      }
    }

    for (int i = 0; i < records.size(); i++) {
      assertThat(held.get(i).decode()).isEqualTo(records.get(i));
    }
    assertThat(held.stream().map(EncodedRecord::bytes).distinct().count())
        .as("bodies share a few slabs, not one array each")
        .isLessThan(40);
  }

  @Test
  void shouldGrowSlabsUpToTheMaximumAndStartSmallAfterAReset() {
    BodyArena arena = new BodyArena();
    byte[] body = new byte[100_000];
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int length = arena.copy(body, 0, body.length, i, 0, 0).bytes().length;
      if (sizes.isEmpty() || sizes.get(sizes.size() - 1) != length) {
        sizes.add(length);
      }
    }
    // The first slab fits the first body; each next one doubles, up to the maximum.
    assertThat(sizes)
        .containsExactly(
            100_000, 200_000, 400_000, 800_000, 1_600_000, 3_200_000, BodyArena.MAX_SLAB);

    arena.reset();
    assertThat(arena.copy(new byte[10], 0, 10, 0, 0, 0).bytes()).hasSize(BodyArena.FIRST_SLAB);
  }

  @Test
  void shouldGiveABodyLargerThanAnySlabAnArrayOfItsOwnSize() {
    BodyArena arena = new BodyArena();
    byte[] huge = new byte[BodyArena.MAX_SLAB + 1];
    EncodedRecord record = arena.copy(huge, 0, huge.length, 1, 0, 0);
    assertThat(record.bytes()).hasSize(huge.length);
    assertThat(record.bodyOffset()).isZero();
  }

  @Test
  void shouldRejectABodyOutsideItsArray() {
    assertThatThrownBy(() -> new EncodedRecord(new byte[10], 8, 4, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("body of 4 bytes at 8 outside an array of 10 bytes");
  }
}

package io.walstream.archive.format;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Position order is (lsn, then txIndex), strict, and the same for records and positions. */
class PositionTest {
  @Property
  void shouldOrderByLsnThenTxIndexWhenCompared(
      @ForAll long lsnA, @ForAll int txA, @ForAll long lsnB, @ForAll int txB) {
    Position a = new Position(lsnA, txA);
    Position b = new Position(lsnB, txB);
    boolean expectedAfter = lsnA > lsnB || (lsnA == lsnB && txA > txB);

    assertThat(a.isAfter(b)).isEqualTo(expectedAfter);
    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    assertThat(a.compareTo(b) == 0).isEqualTo(lsnA == lsnB && txA == txB);
    assertThat(a.isAfter(a)).isFalse();
  }

  @Property
  void shouldOrderRecordsAsTheirPositionsWhenSorted(
      @ForAll long lsnA, @ForAll int txA, @ForAll long lsnB, @ForAll int txB) {
    var recordA = io.walstream.archive.testing.Records.transactions("shop", 0, 1, 1).get(0);
    var recordB = io.walstream.archive.testing.Records.transactions("shop", 0, 1, 1).get(0);
    recordA.setLsn(lsnA);
    recordA.setTxIndex(txA);
    recordB.setLsn(lsnB);
    recordB.setTxIndex(txB);

    assertThat(Integer.signum(Position.RECORD_ORDER.compare(recordA, recordB)))
        .isEqualTo(Integer.signum(Position.of(recordA).compareTo(Position.of(recordB))));
  }
}

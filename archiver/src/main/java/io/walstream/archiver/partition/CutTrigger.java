package io.walstream.archiver.partition;

import java.util.Locale;

/** Why buffered records are cut into segments; the {@code trigger} tag of the cut metrics. */
public enum CutTrigger {
  /** A stream's buffer reached the segment size or record cap. */
  SIZE,
  /** A stream's oldest buffered record reached the segment age cap. */
  AGE,
  /** Kafka Streams is about to commit offsets: everything buffered is archived first. */
  COMMIT,
  /** Offsets an earlier run passed without archiving are being archived again at assignment. */
  RECONCILE;

  /** The metric tag: the lower-case name. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT);
  }
}

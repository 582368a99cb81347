package io.walstream.restorer.service;

import io.walstream.archive.read.ArchiveReader;
import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.verify.AnchorCheck;
import io.walstream.archive.verify.ArchiveReport;
import io.walstream.archive.verify.ChainVerifier;
import io.walstream.archive.verify.Finding;
import io.walstream.restorer.verify.Anchoring;
import io.walstream.schemas.avro.ErrorKind;
import io.walstream.schemas.avro.JobState;
import io.walstream.schemas.avro.RestoreStatus;
import java.util.List;
import java.util.function.Function;

/**
 * A VERIFY job's work: the archive (or one database) verified by the one verifier every caller
 * uses, checked against the published manifests when the service checks anchors, and the outcome as
 * a terminal status: SUCCEEDED when clean, FAILED as an integrity error naming the first finding.
 */
final class VerifyRun {
  private VerifyRun() {}

  /** The terminal status of verifying {@code database} (null: the whole archive). */
  static RestoreStatus.Builder report(
      ObjectStore store,
      io.walstream.archive.read.ArchiveReader reader,
      String database,
      Anchoring anchors,
      Function<JobState, RestoreStatus.Builder> status) {
    ChainVerifier verifier = new ChainVerifier(reader);
    ArchiveReport report =
        database == null ? verifier.verifyAll() : verifier.verifyDatabase(database);
    String anchorCheck;
    if (anchors instanceof Anchoring.Published published) {
      AnchorCheck.Anchored anchored =
          new AnchorCheck(new ArchiveReader(store))
              .verify(report.streams(), published.anchors(), database);
      report = report.withStreams(anchored.reports());
      anchorCheck =
          "checked against the newest manifests of "
              + anchored.streams()
              + " streams on topic "
              + published.topic();
    } else {
      anchorCheck = anchors.check(new ArchiveReader(store), database);
    }
    List<Finding> errors = report.errors();
    RestoreStatus.Builder done =
        status
            .apply(errors.isEmpty() ? JobState.SUCCEEDED : JobState.FAILED)
            .setSegmentsDone(report.segments())
            .setRecordsDone(report.records())
            .setBytesDone(report.bytes())
            .setPercent(100.0)
            .setAnchorCheck(anchorCheck);
    if (errors.isEmpty()) {
      return done.setMessage(report.streams().size() + " streams verified clean");
    }
    return done.setErrorClass("IntegrityException")
        .setErrorKind(ErrorKind.INTEGRITY)
        .setErrorMessage(
            errors.size() + " findings; first: " + errors.get(0) + (errors.size() > 1 ? " …" : ""));
  }
}

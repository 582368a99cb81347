package io.walstream.cli.command;

import io.walstream.archive.store.ObjectStore;
import io.walstream.archive.store.ObjectStores;
import picocli.CommandLine.Option;

/** The {@code --archive URI} option shared by the commands that read an archive. */
final class ArchiveOption {
  @Option(
      names = "--archive",
      required = true,
      description =
          "Archive URI: file:///path or s3://bucket/prefix?endpoint=...&region=...&path-style=true.")
  String uri;

  ObjectStore open() {
    return ObjectStores.openExisting(uri);
  }

  /** The archive, which may be new (empty): for commands that prepare one, as {@code keys init}. */
  ObjectStore openNew() {
    return ObjectStores.open(uri);
  }
}

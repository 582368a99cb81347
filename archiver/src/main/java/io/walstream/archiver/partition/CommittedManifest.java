package io.walstream.archiver.partition;

import io.walstream.archive.format.Manifest;

/** A manifest this archiver committed, with the SHA-256 of its stored bytes. */
public record CommittedManifest(Manifest manifest, String sha256) {}

package io.walstream.archive.read;

import io.walstream.archive.format.Snapshot;

/** A snapshot manifest as stored: its key, decoded content, and the SHA-256 of its bytes. */
public record StoredSnapshot(String key, Snapshot snapshot, String sha256) {}

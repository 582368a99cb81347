package io.walstream.archive.read;

import io.walstream.archive.format.Manifest;

/** A manifest as stored: its key, decoded content, and the SHA-256 of its exact bytes. */
public record StoredManifest(String key, Manifest manifest, String sha256) {}

package io.walstream.archive.gc;

import java.time.Instant;

/**
 * An object no committed record names: a segment no manifest claims, or a snapshot chunk no
 * snapshot lists. Left by a cut or a build that did not commit (or lost a claim); never read.
 *
 * @param key the object
 * @param size its bytes
 * @param written when the store says it was written
 * @param why why it is a leftover, in words
 */
public record Leftover(String key, long size, Instant written, String why) {}

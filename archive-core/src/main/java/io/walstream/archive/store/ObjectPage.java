package io.walstream.archive.store;

import java.util.List;

/**
 * One page of a listing, in ascending key order. When {@link #truncated()} is true, the next page
 * starts after the last key of this one.
 */
public record ObjectPage(List<ObjectInfo> objects, boolean truncated) {
  public ObjectPage {
    objects = List.copyOf(objects);
  }

  /** The key to pass as {@code startAfter} for the next page, or null when this page is empty. */
  public String lastKey() {
    return objects.isEmpty() ? null : objects.get(objects.size() - 1).key();
  }
}

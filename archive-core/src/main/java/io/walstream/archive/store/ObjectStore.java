package io.walstream.archive.store;

import java.io.InputStream;
import java.net.URI;
import java.util.Optional;

/**
 * The storage seam: a flat namespace of immutable objects addressed by {@code /}-separated keys
 * relative to the store's root.
 *
 * <p>Contract, for every implementation:
 *
 * <ul>
 *   <li><b>Immutable.</b> There is no overwrite. {@link #putIfAbsent} creates an object only when
 *       none exists at the key, atomically: at most one of any number of concurrent callers gets
 *       {@link PutOutcome#CREATED}, the others {@link PutOutcome#ALREADY_EXISTS}.
 *   <li><b>All or nothing.</b> Readers and listings never see a partially written object: an object
 *       is either absent or complete. Temporary files or uploads in progress are invisible.
 *   <li><b>Missing is a result.</b> Reading a missing object returns {@link Optional#empty()};
 *       deleting one returns false. Neither is an error.
 *   <li><b>Failures are classified.</b> Any other failure is a {@link
 *       io.walstream.archive.error.StorageException} subclass (transient, outcome unknown, or
 *       permanent) naming the key.
 *   <li><b>Listing is sorted.</b> {@link #list} returns keys in ascending lexicographic order of
 *       their UTF-8 bytes, paged.
 * </ul>
 *
 * Implementations are thread-safe. Decorators (retries, fault injection in tests) extend {@link
 * ForwardingObjectStore}.
 */
public interface ObjectStore extends AutoCloseable {

  /**
   * Creates the object at {@code key} with {@code content} unless an object already exists there.
   *
   * @return {@link PutOutcome#CREATED} when this call created it, {@link PutOutcome#ALREADY_EXISTS}
   *     when an object was already there (which is left untouched)
   */
  PutOutcome putIfAbsent(String key, ObjectContent content);

  /**
   * Opens the whole object for reading. The caller closes the stream.
   *
   * @return the object's bytes, or empty when no object exists at {@code key}
   */
  Optional<InputStream> open(String key);

  /**
   * Reads the whole object into memory; for objects whose size is bounded (manifests, segments).
   *
   * @return the bytes, or empty when no object exists at {@code key}
   */
  default Optional<byte[]> readAll(String key) {
    Optional<InputStream> in = open(key);
    if (in.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream stream = in.get()) {
      return Optional.of(stream.readAllBytes());
    } catch (java.io.IOException e) {
      throw io.walstream.archive.error.ErrorClassifier.toException(
          io.walstream.archive.error.ErrorClassifier.Operation.READ, key, e);
    }
  }

  /** Key, size and write time of the object, or empty when it does not exist. */
  Optional<ObjectInfo> stat(String key);

  /**
   * One page of the keys starting with {@code prefix} that sort strictly after {@code startAfter}
   * (or from the first when null), in ascending order, at most {@code maxKeys} of them.
   */
  ObjectPage list(String prefix, String startAfter, int maxKeys);

  /**
   * Deletes the object at {@code key}; used only by retention and by the collection of uncommitted
   * leftovers.
   *
   * @return true when an object was deleted, false when there was none
   */
  boolean delete(String key);

  /**
   * Deletes every object in {@code keys}; a key with no object is not an error. Stores that can
   * delete many objects in one request do (S3: DeleteObjects, up to 1 000 keys a request); used
   * only where {@link #delete} is.
   *
   * @throws io.walstream.archive.error.StorageException naming a key that could not be deleted
   */
  default void deleteAll(java.util.List<String> keys) {
    keys.forEach(this::delete);
  }

  /** Where this store lives, as an archive URI (e.g. {@code file:///var/walstream}). */
  URI uri();

  /** Releases clients and connections. */
  @Override
  void close();
}

package io.berth.storage.internal;

import io.berth.storage.StorageDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one store call has made so far, to be undone if it fails: layers created in the
 * driver, temp files, blobs moved into place that the store did not have before. After
 * {@link #committed()}, closing only deletes leftover temp files. Used by one thread, under
 * the store lock.
 */
final class Staging implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Staging.class.getName());

  private final StorageDriver driver;
  private final BlobStore blobs;
  private final List<String> layers = new ArrayList<>();
  private final List<Path> tempFiles = new ArrayList<>();
  private final List<String> newBlobs = new ArrayList<>();
  /** Layers made by this call and not yet recorded, by chain id, so a call can reuse them. */
  final Map<String, Metadata.LayerRecord> pendingLayers = new HashMap<>();
  private boolean committed;

  Staging(StorageDriver driver, BlobStore blobs) {
    this.driver = driver;
    this.blobs = blobs;
  }

  void layerCreated(String id) {
    layers.add(id);
  }

  void layerDiscarded(String id) {
    layers.remove(id);
  }

  Path tempFile(String purpose) {
    Path p = blobs.newTempFile(purpose);
    tempFiles.add(p);
    return p;
  }

  /** Moves a temp file into the blob store, remembering a new blob for undo. */
  void commitBlob(Path temp, String digest) throws IOException {
    if (blobs.commit(temp, digest)) {
      newBlobs.add(digest);
    }
  }

  /** Moves a tar index into the blob store as the blob {@code digest}; see {@link BlobStore}. */
  void commitIndex(Path temp, String digest) throws IOException {
    if (blobs.commitIndex(temp, digest)) {
      newBlobs.add(digest);
    }
  }

  void putBlob(byte[] data, String digest) throws IOException {
    if (blobs.put(data, digest)) {
      newBlobs.add(digest);
    }
  }

  /** The records are written: nothing is to be undone any more. */
  void committed() {
    committed = true;
  }

  @Override
  public void close() {
    for (Path p : tempFiles) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not delete temporary file {0}: {1}", p, e);
      }
    }
    if (committed) {
      return;
    }
    for (String id : layers) {
      try {
        driver.remove(id);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "could not remove half-made layer {0}: {1}", id, e);
      }
    }
    for (String digest : newBlobs) {
      try {
        blobs.delete(digest);
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "could not remove blob {0}: {1}", digest, e);
      }
    }
  }
}

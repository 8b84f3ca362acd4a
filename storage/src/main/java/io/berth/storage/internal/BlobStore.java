package io.berth.storage.internal;

import io.berth.storage.CorruptStoreException;
import io.berth.storage.StorageException;
import io.berth.storage.internal.stream.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.TreeSet;

/**
 * Content-addressed blobs under {@code <root>/blobs/sha256/<hex>}. A blob is written to
 * {@code <root>/tmp/} first, fsynced, and renamed into place once its digest is known, so a
 * blob under its name is always complete. Thread-safe (the file system is the state); the
 * store calls {@link #commit} and {@link #delete} under its lock.
 */
final class BlobStore {
  private final Path dir;
  private final Path tmp;

  BlobStore(Path root) throws IOException {
    this.dir = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
  }

  Path tmpDir() {
    return tmp;
  }

  Path path(String digest) {
    return dir.resolve(Digests.hexOf(digest));
  }

  boolean has(String digest) {
    return Files.exists(path(digest));
  }

  Path newTempFile(String purpose) {
    try {
      return Files.createTempFile(tmp, purpose + "-", ".tmp");
    } catch (IOException e) {
      throw new StorageException("could not create a temporary file in " + tmp + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Moves a complete temp file into place under its digest.
   *
   * @return true if the blob is new, false if the store had it (the temp file is deleted)
   */
  boolean commit(Path temp, String digest) throws IOException {
    Path target = path(digest);
    if (Files.exists(target)) {
      Files.deleteIfExists(temp);
      return false;
    }
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  /** Writes bytes whose digest the caller computed. */
  boolean put(byte[] data, String digest) throws IOException {
    if (has(digest)) {
      return false;
    }
    Path temp = newTempFile("blob");
    try {
      Files.write(temp, data);
      return commit(temp, digest);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Reads a small blob (config, manifest) and checks it still has its digest. */
  byte[] read(String digest) {
    try {
      byte[] data = Files.readAllBytes(path(digest));
      String actual = Digests.of(data);
      if (!actual.equals(digest)) {
        throw new CorruptStoreException("blob " + path(digest) + " is damaged: it hashes to "
            + actual + "; remove and reload the image that uses it");
      }
      return data;
    } catch (IOException e) {
      throw new CorruptStoreException("blob " + digest + " is missing or unreadable in " + dir
          + " (" + e.getMessage() + "); remove and reload the image that uses it", e);
    }
  }

  InputStream open(String digest) throws IOException {
    return Files.newInputStream(path(digest));
  }

  long size(String digest) throws IOException {
    return Files.size(path(digest));
  }

  void delete(String digest) throws IOException {
    Files.deleteIfExists(path(digest));
  }

  Set<String> digests() throws IOException {
    Set<String> out = new TreeSet<>();
    try (var s = Files.list(dir)) {
      s.forEach(p -> out.add(Digests.PREFIX + p.getFileName()));
    }
    return out;
  }
}

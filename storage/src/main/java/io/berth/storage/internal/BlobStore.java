package io.berth.storage.internal;

import io.berth.storage.CorruptStoreException;
import io.berth.storage.StorageException;
import io.berth.storage.internal.stream.DigestingInputStream;
import io.berth.storage.internal.stream.Digests;
import io.berth.storage.internal.tar.TarIndexReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Content-addressed blobs under {@code <root>/blobs/sha256/<hex>}. A blob is written to
 * {@code <root>/tmp/} first, fsynced, and renamed into place once its digest is known, so a
 * blob under its name is always complete. Thread-safe (the file system is the state); the
 * store calls {@link #commit} and {@link #delete} under its lock.
 *
 * <p>An uncompressed layer blob may instead be kept as a tar index under
 * {@code <root>/blobs/tarindex/<hex>}: the archive's headers plus references into an unpacked
 * layer whose diff id is that digest (any such layer holds the same files), so the store does
 * not hold every uncompressed layer twice. Reading one rebuilds the archive and checks its
 * digest at the end.
 */
final class BlobStore {
  /** Where the unpacked content of the layers with a given diff id is, if any is left. */
  interface LayerContent {
    Optional<Path> contentOf(String diffId);
  }

  private final Path dir;
  private final Path indexDir;
  private final Path tmp;
  private final LayerContent layers;

  BlobStore(Path root, LayerContent layers) throws IOException {
    this.dir = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
    this.indexDir = Files.createDirectories(root.resolve("blobs").resolve("tarindex"));
    this.tmp = Files.createDirectories(root.resolve("tmp"));
    this.layers = layers;
  }

  Path tmpDir() {
    return tmp;
  }

  Path path(String digest) {
    return dir.resolve(Digests.hexOf(digest));
  }

  private Path indexPath(String digest) {
    return indexDir.resolve(Digests.hexOf(digest));
  }

  boolean has(String digest) {
    return Files.exists(path(digest)) || Files.exists(indexPath(digest));
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
    return moveIntoPlace(temp, digest, path(digest));
  }

  /**
   * Moves a complete tar index into place as the blob {@code digest}, an uncompressed layer
   * whose unpacked content is recorded (or about to be) as a layer with that diff id.
   *
   * @return true if the blob is new, false if the store had it (the temp file is deleted)
   */
  boolean commitIndex(Path temp, String digest) throws IOException {
    return moveIntoPlace(temp, digest, indexPath(digest));
  }

  private boolean moveIntoPlace(Path temp, String digest, Path target) throws IOException {
    if (has(digest)) {
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

  /**
   * Streams a blob, checked against its digest: reading its last byte throws
   * {@link CorruptStoreException} if the bytes (a stored file, or an archive rebuilt from an
   * index) no longer hash to it.
   */
  InputStream open(String digest) throws IOException {
    Path index = indexPath(digest);
    if (!Files.exists(index)) {
      Path file = path(digest);
      return new VerifyingInputStream(Files.newInputStream(file), digest, Files.size(file));
    }
    Path content = layers.contentOf(digest).orElseThrow(() -> new CorruptStoreException(
        "blob " + digest + " is kept as an index of an unpacked layer, but no layer with that"
            + " diff id is left; remove and reload the image that uses it"));
    TarIndexReader archive = TarIndexReader.open(index, content);
    return new VerifyingInputStream(archive, digest, archive.size());
  }

  long size(String digest) throws IOException {
    Path index = indexPath(digest);
    return Files.exists(index) ? TarIndexReader.archiveSize(index) : Files.size(path(digest));
  }

  void delete(String digest) throws IOException {
    Files.deleteIfExists(path(digest));
    Files.deleteIfExists(indexPath(digest));
  }

  Set<String> digests() throws IOException {
    Set<String> out = new TreeSet<>();
    for (Path d : List.of(dir, indexDir)) {
      try (var s = Files.list(d)) {
        s.forEach(p -> out.add(Digests.PREFIX + p.getFileName()));
      }
    }
    return out;
  }

  /**
   * Fails once the last byte is read (readers that know the size stop there, before the end
   * of the stream) if what was read does not hash to the digest.
   */
  private static final class VerifyingInputStream extends java.io.FilterInputStream {
    private final String digest;
    private final long size;
    private final DigestingInputStream hashed;
    private boolean checked;

    VerifyingInputStream(InputStream in, String digest, long size) {
      this(new DigestingInputStream(in), digest, size);
    }

    private VerifyingInputStream(DigestingInputStream hashed, String digest, long size) {
      super(hashed);
      this.hashed = hashed;
      this.digest = digest;
      this.size = size;
    }

    @Override
    public int read() throws IOException {
      return check(super.read());
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return check(super.read(b, off, len));
    }

    private int check(int result) {
      if ((result < 0 || hashed.count() >= size) && !checked) {
        checked = true;
        String actual = hashed.digest();
        if (!actual.equals(digest)) {
          throw new CorruptStoreException("blob " + digest + " is damaged: it hashes to "
              + actual + " (for a plain layer: its unpacked files were changed); remove and"
              + " reload the image that uses it");
        }
      }
      return result;
    }
  }
}

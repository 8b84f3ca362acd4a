package io.berth.storage.internal.tar;

import io.berth.storage.CorruptStoreException;
import io.berth.storage.internal.stream.BulkInputStream;
import io.berth.storage.internal.sys.FileHandle;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Rebuilds the archive a {@link TarIndexWriter} indexed, from the index and the layer's
 * unpacked content. Content files are reached one name at a time, never through a symlink,
 * and must hold at least the bytes the index expects; anything else is a
 * {@link CorruptStoreException} naming the file. The caller checks the digest of what it
 * reads.
 *
 * <p>Not thread-safe; close it.
 */
public final class TarIndexReader extends BulkInputStream {
  private static final int TRAILER = 24;

  private final FileChannel index;
  private final DataInputStream segments;
  private final FileHandle root;
  private final Map<Integer, long[]> rescued = new HashMap<>();
  private final long size;

  /** What is being read now: literal bytes from the index, or a content channel. */
  private long left;
  private FileChannel content;
  private long contentPosition;
  private boolean ended;

  private TarIndexReader(Path indexFile, Path contentRoot) throws IOException {
    this.index = FileChannel.open(indexFile, StandardOpenOption.READ);
    try {
      long[] trailer = trailer(index, indexFile);
      this.size = trailer[0];
      readTable(trailer[1], indexFile);
      index.position(0);
      this.segments = new DataInputStream(
          new BufferedInputStream(Channels.newInputStream(index), 1 << 16));
      if (segments.readLong() != TarIndexWriter.MAGIC
          || segments.readInt() != TarIndexWriter.VERSION) {
        throw new IOException("tar index " + indexFile + " has an unknown format");
      }
      this.root = FileHandle.openDirectory(contentRoot);
    } catch (IOException | RuntimeException e) {
      index.close();
      throw e;
    }
  }

  /** Opens the archive that {@code indexFile} describes, with its content in {@code root}. */
  public static TarIndexReader open(Path indexFile, Path contentRoot) throws IOException {
    return new TarIndexReader(indexFile, contentRoot);
  }

  /** The size of the archive an index describes, from its trailer alone. */
  public static long archiveSize(Path indexFile) throws IOException {
    try (FileChannel ch = FileChannel.open(indexFile, StandardOpenOption.READ)) {
      return trailer(ch, indexFile)[0];
    }
  }

  private static long[] trailer(FileChannel ch, Path file) throws IOException {
    long length = ch.size();
    ByteBuffer b = ByteBuffer.allocate(TRAILER);
    if (length < TRAILER + 12) {
      throw new IOException("tar index " + file + " is truncated");
    }
    while (b.hasRemaining()) {
      if (ch.read(b, length - TRAILER + b.position()) < 0) {
        throw new EOFException("tar index " + file + " is truncated");
      }
    }
    b.flip();
    long archive = b.getLong();
    long table = b.getLong();
    if (b.getLong() != TarIndexWriter.MAGIC || table < 12 || table > length - TRAILER) {
      throw new IOException("tar index " + file + " is damaged (bad trailer)");
    }
    return new long[] {archive, table};
  }

  private void readTable(long at, Path file) throws IOException {
    DataInputStream in = new DataInputStream(
        new BufferedInputStream(Channels.newInputStream(index.position(at))));
    int count = in.readInt();
    for (int i = 0; i < count; i++) {
      int id = in.readInt();
      long offset = in.readLong();
      long length = in.readLong();
      if (offset < 0 || length < 0 || offset + length > at) {
        throw new IOException("tar index " + file + " is damaged (bad rescued range)");
      }
      rescued.put(id, new long[] {offset, length});
    }
  }

  /** The size of the archive this reader yields. */
  public long size() {
    return size;
  }


  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (left == 0) {
      if (ended || !nextSegment()) {
        return -1;
      }
    }
    int want = (int) Math.min(len, left);
    int n;
    if (content == null) {
      segments.readFully(b, off, want);
      n = want;
    } else {
      n = content.read(ByteBuffer.wrap(b, off, want), contentPosition);
      if (n <= 0) {
        throw damaged("a file of the layer is shorter than when it was unpacked");
      }
      contentPosition += n;
    }
    left -= n;
    if (left == 0) {
      closeContent();
    }
    return n;
  }

  private boolean nextSegment() throws IOException {
    int tag = segments.readByte();
    switch (tag) {
      case 'L' -> {
        left = segments.readInt();
        return true;
      }
      case 'F' -> {
        int id = segments.readInt();
        String path = segments.readUTF();
        left = segments.readLong();
        long[] r = rescued.get(id);
        if (left == 0) {
          return true; // the writer never makes these; harmless if one appears
        }
        if (r != null) {
          content = index;
          contentPosition = r[0];
          if (r[1] != left) {
            throw new IOException("tar index is damaged (rescued '" + path + "' has "
                + r[1] + " bytes, not " + left + ")");
          }
        } else {
          content = openContent(path);
          contentPosition = 0;
        }
        return true;
      }
      case 'E' -> {
        ended = true;
        return false;
      }
      default -> throw new IOException("tar index is damaged (segment tag " + tag + ")");
    }
  }

  private FileChannel openContent(String path) throws IOException {
    Optional<FileHandle> h = root.walk(path);
    if (h.isEmpty()) {
      throw damaged("file '" + path + "' of the layer is missing");
    }
    try (FileHandle file = h.get()) {
      if (!file.stat().isRegularFile() || file.stat().size() < left) {
        throw damaged("file '" + path + "' of the layer is no longer the regular file of at"
            + " least " + left + " bytes it was unpacked as");
      }
      return file.openRead();
    }
  }

  private static CorruptStoreException damaged(String what) {
    return new CorruptStoreException(what + ", so the layer's archive cannot be rebuilt; remove"
        + " and reload the image that uses it");
  }

  private void closeContent() throws IOException {
    if (content != null && content != index) {
      content.close();
    }
    content = null;
  }

  @Override
  public void close() throws IOException {
    try {
      closeContent();
    } finally {
      root.close();
      index.close();
    }
  }
}

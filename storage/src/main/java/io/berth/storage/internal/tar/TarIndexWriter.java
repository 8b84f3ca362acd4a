package io.berth.storage.internal.tar;

import com.google.common.io.CountingOutputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a tar index while a {@link TarReader} reads an uncompressed layer and an
 * {@link Unpacker} writes it out: every byte of the archive that is not a regular file's
 * content (headers, PAX records, padding, the end blocks) is kept as is, and each file's
 * content is kept as a reference to the file the unpacker wrote. {@link TarIndexReader} then
 * rebuilds the exact archive from the index and the unpacked layer, so the store need not keep
 * a second full copy of every uncompressed layer.
 *
 * <p>A file this layer wrote can be replaced or deleted by a later entry of the same layer;
 * before the unpacker removes it, {@link #removing} copies the referenced content into the
 * index ("rescued"), so the reference never points at a changed file.
 *
 * <p>Layout: a magic header; segments ({@code 'L'} length + literal bytes, {@code 'F'} ref id
 * + path + length, {@code 'E'} end); the rescued bytes; a table (count, then ref id + offset +
 * length for each); a 24-byte trailer (archive size, table offset, magic).
 *
 * <p>Used by one thread; {@link #finish} or {@link #close} exactly once.
 */
public final class TarIndexWriter implements AutoCloseable {
  static final long MAGIC = 0x4245525448544958L; // "BERTHTIX"
  static final int VERSION = 1;
  private static final int MAX_LITERAL = 1 << 16;

  private final Path root;
  private final Path rescueFile;
  private final CountingOutputStream counted;
  private final DataOutputStream out;
  private final byte[] literal = new byte[MAX_LITERAL];
  private int literalLength;
  private long archiveSize;

  /** The entry whose data is being read, claimed by the unpacker; null if none. */
  private Ref current;
  private int nextId;
  /** Claimed files by path, for {@link #removing}: sorted, so a directory's are a range. */
  private final TreeMap<String, List<Ref>> claimed = new TreeMap<>();
  private final List<long[]> rescued = new ArrayList<>();
  private FileChannel rescue;

  private static final class Ref {
    final int id;
    final String path;
    long length;

    Ref(int id, String path) {
      this.id = id;
      this.path = path;
    }
  }

  /**
   * @param indexFile where the index goes (a temp file the caller moves into place)
   * @param root the directory the unpacker writes into
   */
  public TarIndexWriter(Path indexFile, Path root) throws IOException {
    this.root = root;
    this.rescueFile = indexFile.resolveSibling(indexFile.getFileName() + ".rescued");
    this.counted = new CountingOutputStream(
        new BufferedOutputStream(Files.newOutputStream(indexFile), 1 << 16));
    this.out = new DataOutputStream(counted);
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
  }

  /**
   * The current entry's data, from here on, is the content of {@code relative} (a regular
   * file the unpacker creates and fills with exactly those bytes, from offset 0).
   */
  public void claim(String relative) throws IOException {
    flushLiteral();
    current = new Ref(nextId++, relative);
    claimed.computeIfAbsent(relative, k -> new ArrayList<>(1)).add(current);
  }

  /** Called by the unpacker before it deletes or replaces {@code relative} (and what is under it). */
  public void removing(String relative) throws IOException {
    endEntry();
    Map<String, List<Ref>> under = claimed.subMap(relative + "/", relative + "/\uffff");
    List<String> paths = new ArrayList<>(under.keySet());
    if (claimed.containsKey(relative)) {
      paths.add(relative);
    }
    for (String path : paths) {
      for (Ref r : claimed.remove(path)) {
        rescue(r);
      }
    }
  }

  private void rescue(Ref r) throws IOException {
    if (rescue == null) {
      rescue = FileChannel.open(rescueFile, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    long at = rescue.size();
    try (FileChannel in = FileChannel.open(root.resolve(r.path), StandardOpenOption.READ)) {
      long done = 0;
      while (done < r.length) {
        long n = in.transferTo(done, r.length - done, rescue);
        if (n <= 0) {
          throw new IOException("file " + r.path + " of the layer ended early while it was"
              + " indexed");
        }
        done += n;
      }
    }
    rescued.add(new long[] {r.id, at, r.length});
  }

  /** The current entry's data is over (the reader moves on). */
  void endEntry() throws IOException {
    if (current != null && current.length == 0) {
      claimed.get(current.path).remove(current); // an empty file: nothing to refer to
      current = null;
    }
    if (current != null) {
      out.writeByte('F');
      out.writeInt(current.id);
      out.writeUTF(current.path);
      out.writeLong(current.length);
      current = null;
    }
  }

  /** Bytes the reader consumed; {@code data} when they are the current entry's data. */
  void consumed(byte[] b, int off, int len, boolean data) throws IOException {
    archiveSize += len;
    if (data && current != null) {
      current.length += len;
      return;
    }
    if (current != null) {
      endEntry();
    }
    while (len > 0) {
      int n = Math.min(len, MAX_LITERAL - literalLength);
      System.arraycopy(b, off, literal, literalLength, n);
      literalLength += n;
      off += n;
      len -= n;
      if (literalLength == MAX_LITERAL) {
        flushLiteral();
      }
    }
  }

  private void flushLiteral() throws IOException {
    if (literalLength > 0) {
      out.writeByte('L');
      out.writeInt(literalLength);
      out.write(literal, 0, literalLength);
      literalLength = 0;
    }
  }

  /**
   * Completes the index once the reader has consumed the whole stream.
   *
   * @return the size of the indexed archive
   */
  public long finish() throws IOException {
    endEntry();
    flushLiteral();
    out.writeByte('E');
    long rescuedAt = counted.getCount();
    if (rescue != null) {
      try (InputStream in = Channels.newInputStream(rescue.position(0))) {
        in.transferTo(out);
      }
      rescue = null;
    }
    long tableAt = counted.getCount();
    out.writeInt(rescued.size());
    for (long[] r : rescued) {
      out.writeInt((int) r[0]);
      out.writeLong(rescuedAt + r[1]);
      out.writeLong(r[2]);
    }
    out.writeLong(archiveSize);
    out.writeLong(tableAt);
    out.writeLong(MAGIC);
    out.close();
    Files.deleteIfExists(rescueFile);
    return archiveSize;
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
      if (rescue != null) {
        rescue.close();
      }
    } finally {
      Files.deleteIfExists(rescueFile);
    }
  }
}

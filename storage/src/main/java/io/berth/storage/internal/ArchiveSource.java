package io.berth.storage.internal;

import io.berth.storage.ArchiveLimitExceededException;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.ImageFormatException;
import io.berth.storage.internal.stream.BulkInputStream;
import io.berth.storage.internal.sys.Stat;
import io.berth.storage.internal.tar.TarEntry;
import io.berth.storage.internal.tar.TarReader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of an image archive or layout, by their paths inside it. Paths are plain and
 * relative: absolute paths and {@code ..} are rejected, and nothing is ever read from outside
 * the archive or layout. Not thread-safe.
 */
abstract class ArchiveSource implements Closeable {
  /** A member's content and size. */
  record Member(InputStream in, long size) {}

  /** Opens a member. */
  abstract Member open(String path, String what) throws IOException;

  abstract boolean exists(String path) throws IOException;

  /** Reads a small member (JSON) whole, refusing one larger than {@code max} bytes. */
  byte[] read(String path, String what, int max) throws IOException {
    Member m = open(path, what);
    try (InputStream in = m.in()) {
      if (m.size() > max) {
        throw new ArchiveLimitExceededException(what + " (" + path + ") has " + m.size()
            + " bytes, more than the limit of " + max + "; raise"
            + " ArchiveLimits.maxMetadataSize if it is genuine");
      }
      return in.readNBytes((int) m.size());
    }
  }

  /** Checks a path named by the archive's own metadata and returns its plain form. */
  static String clean(String path, String what) {
    if (path == null || path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
      throw new ImageFormatException(what + " names '" + path + "', which is not a relative"
          + " path inside the archive");
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        throw new ImageFormatException(what + " names '" + path + "', which leaves the archive");
      }
      parts.add(p);
    }
    if (parts.isEmpty()) {
      throw new ImageFormatException(what + " names '" + path + "', which is no file");
    }
    return String.join("/", parts);
  }

  /**
   * Resolves a link target inside the archive: {@code ..} goes up a directory, a leading
   * {@code /} starts at the archive's root, and going above the root is refused.
   */
  static String inside(String path, String what) {
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (parts.isEmpty()) {
          throw new ImageFormatException(what + " names '" + path + "', which leaves the"
              + " archive");
        }
        parts.remove(parts.size() - 1);
      } else {
        parts.add(p);
      }
    }
    if (parts.isEmpty() || path.indexOf('\0') >= 0) {
      throw new ImageFormatException(what + " names '" + path + "', which is no file");
    }
    return String.join("/", parts);
  }

  /** A layout directory on disk; no symlink is followed anywhere inside it. */
  static final class Directory extends ArchiveSource {
    private final Path root;

    Directory(Path root) {
      this.root = root;
    }

    private Path resolve(String path, String what) throws IOException {
      String clean = clean(path, what);
      Path p = root;
      for (String part : clean.split("/")) {
        p = p.resolve(part);
        Optional<Stat> s = Stat.ofIfExists(p);
        if (s.isPresent() && s.get().isSymlink()) {
          throw new ImageFormatException(what + ": " + root.relativize(p) + " is a symlink;"
              + " Berth does not follow symlinks in an image layout");
        }
      }
      return p;
    }

    @Override
    Member open(String path, String what) throws IOException {
      Path p = resolve(path, what);
      Optional<Stat> s = Stat.ofIfExists(p);
      if (s.isPresent() && !s.get().isRegularFile()) {
        // Opening a fifo would block and a device could act; neither is a blob.
        throw new ImageFormatException(what + ": " + root.relativize(p) + " is not a regular"
            + " file; an image layout holds only files and directories");
      }
      try {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return new Member(new BufferedInputStream(java.nio.channels.Channels.newInputStream(ch),
            1 << 17), ch.size());
      } catch (NoSuchFileException e) {
        throw new ImageFormatException(what + ": the layout has no " + clean(path, what), e);
      }
    }

    @Override
    boolean exists(String path) throws IOException {
      return Stat.ofIfExists(resolve(path, path)).map(Stat::isRegularFile).orElse(false);
    }

    @Override
    public void close() {}
  }

  /**
   * A tar file, indexed in one pass over its headers. Members are then read in place. Symlink
   * and hard link members are followed inside the archive when {@code allowLinks} (docker
   * archives deduplicate layers that way), and rejected otherwise.
   */
  static final class Tar extends ArchiveSource {
    private final FileChannel channel;
    private final Map<String, TarEntry> entries = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private final boolean allowLinks;

    Tar(Path file, ArchiveLimits limits, boolean allowLinks) throws IOException {
      this.allowLinks = allowLinks;
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        TarReader reader = new TarReader(java.nio.channels.Channels.newInputStream(channel),
            limits, Long.MAX_VALUE);
        TarEntry e;
        int members = 0;
        while ((e = reader.next()) != null) {
          if (++members > limits.maxArchiveMembers()) {
            throw new ArchiveLimitExceededException(file + " has more than "
                + limits.maxArchiveMembers() + " members; raise"
                + " ArchiveLimits.maxArchiveMembers if it is genuine");
          }
          String name;
          try {
            name = clean(e.name(), "archive member");
          } catch (ImageFormatException bad) {
            continue; // the root entry or an unsafe name: never referenced, never read
          }
          entries.put(name, e);
          offsets.put(name, reader.dataOffset());
        }
      } catch (IOException | RuntimeException ex) {
        channel.close();
        throw ex;
      }
    }

    /** Same archive, different link policy. */
    private Tar(Tar other, boolean allowLinks) {
      this.channel = other.channel;
      this.entries.putAll(other.entries);
      this.offsets.putAll(other.offsets);
      this.allowLinks = allowLinks;
    }

    Tar withLinks(boolean allow) {
      return new Tar(this, allow);
    }

    /** True if the archive has a member of that name, of any type. */
    boolean hasMember(String path) {
      return entries.containsKey(clean(path, path));
    }

    private String follow(String path, String what) {
      String name = clean(path, what);
      for (int hops = 0; hops < 16; hops++) {
        TarEntry e = entries.get(name);
        if (e == null) {
          throw new ImageFormatException(what + ": the archive has no member " + name);
        }
        switch (e.type()) {
          case FILE:
            return name;
          case SYMLINK:
          case HARDLINK:
            if (!allowLinks) {
              throw new ImageFormatException(what + ": member " + name + " is a link; this"
                  + " archive format must hold plain files");
            }
            String target = e.linkName();
            if (e.type() == TarEntry.Type.SYMLINK && !target.startsWith("/")) {
              // Relative to the link's directory, as docker save's "../<id>/layer.tar".
              int slash = name.lastIndexOf('/');
              target = (slash < 0 ? "" : name.substring(0, slash + 1)) + target;
            }
            name = inside(target, what + " (link target of " + name + ")");
            break;
          default:
            throw new ImageFormatException(what + ": member " + name + " is not a file");
        }
      }
      throw new ImageFormatException(what + ": too many links starting at " + path);
    }

    @Override
    Member open(String path, String what) throws IOException {
      String name = follow(path, what);
      TarEntry e = entries.get(name);
      return new Member(new BufferedInputStream(
          new RegionInputStream(channel, offsets.get(name), e.size()), 1 << 17), e.size());
    }

    @Override
    boolean exists(String path) {
      try {
        follow(path, path);
        return true;
      } catch (ImageFormatException e) {
        return false;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  /** Reads one region of a file with positional reads. */
  private static final class RegionInputStream extends BulkInputStream {
    private final FileChannel channel;
    private long position;
    private long remaining;

    RegionInputStream(FileChannel channel, long offset, long length) {
      this.channel = channel;
      this.position = offset;
      this.remaining = length;
    }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
      if (n < 0) {
        throw new ImageFormatException("the archive is truncated inside a member");
      }
      position += n;
      remaining -= n;
      return n;
    }
  }
}

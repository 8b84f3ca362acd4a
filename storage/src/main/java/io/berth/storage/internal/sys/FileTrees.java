package io.berth.storage.internal.sys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Whole-tree operations that never follow a symlink. Stateless and thread-safe. */
public final class FileTrees {
  private FileTrees() {}

  /** The names in a directory, sorted. */
  public static List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path c : s) {
        names.add(c.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  /**
   * Deletes a tree; a symlink is deleted, never followed. Missing is fine. Works through
   * {@link FileHandle}s, so a directory swapped for a symlink while the tree is deleted (by a
   * process still using it) never leads the deletion outside. Without recursion and holding
   * a constant number of descriptors, so a tree of any depth can go (a container can make one
   * far deeper than PATH_MAX and the descriptor limit).
   */
  public static void deleteTree(Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null) {
      throw new IllegalArgumentException("refusing to delete the root directory");
    }
    String name = path.getFileName().toString();
    try (FileHandle dir = FileHandle.openDirectory(parent)) {
      Optional<FileHandle> top = dir.child(name);
      if (top.isEmpty()) {
        return;
      }
      boolean isDirectory = top.get().stat().isDirectory();
      if (isDirectory) {
        empty(top.get());
      } else {
        top.get().close();
      }
      dir.unlink(name, isDirectory);
    } catch (Posix.ErrnoException e) {
      if (e.errno() != Posix.ENOENT) {
        throw e;
      }
      // The parent is gone, so is the tree.
    }
  }

  /**
   * A directory on the way down: its name in its parent, which directory it is, and the
   * subdirectories still to delete.
   */
  private record Level(String name, long dev, long ino, Iterator<String> subdirectories) {}

  /**
   * Empties {@code top} and closes it. In each directory it deletes what is not a directory,
   * then goes down into each subdirectory in turn and climbs back through {@code ..}, checked
   * to be the directory it came from, to remove the emptied one.
   */
  private static void empty(FileHandle top) throws IOException {
    Deque<Level> above = new ArrayDeque<>();
    FileHandle dir = top;
    try {
      Level level = scan(dir, null);
      while (true) {
        if (level.subdirectories().hasNext()) {
          String name = level.subdirectories().next();
          Optional<FileHandle> child = dir.child(name);
          if (child.isEmpty()) {
            continue;
          }
          if (!child.get().stat().isDirectory()) {
            child.get().close();
            dir.unlink(name, false);
            continue;
          }
          above.push(level);
          dir.close();
          dir = child.get();
          level = scan(dir, name);
          continue;
        }
        if (above.isEmpty()) {
          return;
        }
        Level parent = above.pop();
        FileHandle up = dir.parent();
        dir.close();
        dir = up;
        if (dir.stat().dev() != parent.dev() || dir.stat().ino() != parent.ino()) {
          throw new IOException("a directory was moved while its tree was being deleted;"
              + " stopped rather than delete outside the tree");
        }
        dir.unlink(level.name(), true);
        level = parent;
      }
    } finally {
      dir.close();
    }
  }

  /** Deletes what in {@code dir} is not a directory; returns the level with its subdirectories. */
  private static Level scan(FileHandle dir, String name) throws IOException {
    List<String> subdirectories = new ArrayList<>();
    for (String child : dir.list()) {
      Optional<FileHandle> c = dir.child(child);
      if (c.isEmpty()) {
        continue;
      }
      boolean isDirectory;
      try (FileHandle h = c.get()) {
        isDirectory = h.stat().isDirectory();
      }
      if (isDirectory) {
        subdirectories.add(child);
      } else {
        dir.unlink(child, false);
      }
    }
    return new Level(name, dir.stat().dev(), dir.stat().ino(), subdirectories.iterator());
  }

  /**
   * Copies a tree with everything a root filesystem needs: file types (devices and fifos
   * too), owners, all mode bits, xattrs, mtimes (symlinks too), and hard links within the
   * tree. {@code target} must not exist; its own attributes are copied from {@code source}.
   */
  public static void copyTree(Path source, Path target) throws IOException {
    Map<Long, Map<Long, Path>> links = new HashMap<>();
    List<TimedDir> dirTimes = new ArrayList<>();
    copy(source, target, links, dirTimes);
    for (int i = dirTimes.size() - 1; i >= 0; i--) {
      TimedDir t = dirTimes.get(i);
      Posix.lutimes(t.dir(), t.stat().mtimeSeconds(), t.stat().mtimeNanos());
    }
  }

  private static void copy(Path from, Path to, Map<Long, Map<Long, Path>> links,
      List<TimedDir> dirTimes) throws IOException {
    Stat s = Stat.of(from);
    switch (s.type()) {
      case Posix.S_IFDIR:
        Files.createDirectory(to);
        attributes(from, to, s, false);
        dirTimes.add(new TimedDir(to, s));
        for (String name : list(from)) {
          copy(from.resolve(name), to.resolve(name), links, dirTimes);
        }
        return;
      case Posix.S_IFSOCK:
        return; // sockets belong to running processes, not to images
      default:
        break;
    }
    if (s.nlink() > 1) {
      Path first = links.computeIfAbsent(s.dev(), d -> new HashMap<>()).putIfAbsent(s.ino(), to);
      if (first != null) {
        Files.createLink(to, first);
        return;
      }
    }
    switch (s.type()) {
      case Posix.S_IFREG:
        copyFile(from, to, s.size());
        break;
      case Posix.S_IFLNK:
        Files.createSymbolicLink(to, Files.readSymbolicLink(from));
        break;
      default:
        Posix.mknod(to, s.mode(), Posix.major(s.rdev()), Posix.minor(s.rdev()));
        break;
    }
    attributes(from, to, s, s.isSymlink());
    Posix.lutimes(to, s.mtimeSeconds(), s.mtimeNanos());
  }

  private static final int SPARSE_BLOCK = 4096;

  /**
   * Copies file content. Small files go through transferTo; larger ones are read in chunks
   * and every all-zero 4 KiB block is skipped instead of written, so holes stay holes.
   */
  private static void copyFile(Path from, Path to, long size) throws IOException {
    try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ,
            LinkOption.NOFOLLOW_LINKS);
        FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      if (size < 16 * SPARSE_BLOCK) {
        long pos = 0;
        while (pos < size) {
          long n = in.transferTo(pos, size - pos, out);
          if (n <= 0) {
            break;
          }
          pos += n;
        }
        return;
      }
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
      long pos = 0;
      while (true) {
        buf.clear();
        int n = in.read(buf, pos);
        if (n <= 0) {
          break;
        }
        for (int off = 0; off < n; off += SPARSE_BLOCK) {
          int len = Math.min(SPARSE_BLOCK, n - off);
          if (!isZero(buf, off, len)) {
            java.nio.ByteBuffer slice = buf.duplicate();
            slice.position(off).limit(off + len);
            while (slice.hasRemaining()) {
              out.write(slice, pos + off + (slice.position() - off));
            }
          }
        }
        pos += n;
      }
      if (out.size() < pos) {
        // The file ends in a hole: writing one zero byte at the end sets the length.
        out.write(java.nio.ByteBuffer.wrap(new byte[1]), pos - 1);
      }
    }
  }

  private static boolean isZero(java.nio.ByteBuffer buf, int off, int len) {
    int i = off;
    for (; i + 8 <= off + len; i += 8) {
      if (buf.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < off + len; i++) {
      if (buf.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Owner, mode (after chown, which clears setuid), then xattrs. */
  public static void attributes(Path from, Path to, Stat s, boolean symlink) throws IOException {
    Posix.lchown(to, s.uid(), s.gid());
    if (!symlink) {
      Posix.chmod(to, s.permissions());
    }
    for (String name : Posix.llistxattr(from)) {
      byte[] value = Posix.lgetxattr(from, name);
      if (value != null) {
        try {
          Posix.lsetxattr(to, name, value);
        } catch (Posix.ErrnoException e) {
          if (!symlink) {
            throw e;
          }
        }
      }
    }
  }

  /** A copied directory whose mtime is set once its contents are in place. */
  private record TimedDir(Path dir, Stat stat) {}
}

package io.berth.storage.internal.sys;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A file held open by an {@code O_PATH} descriptor, reached one name at a time from a
 * directory held the same way and never through a symlink: the way to read a tree that
 * someone else (a running container) may change while it is read. Once opened, a handle keeps
 * meaning the same file, so swapping a directory for a symlink to a host path between two
 * steps of a walk leads nowhere outside the tree. {@code O_PATH} opens neither a device nor a
 * fifo; file content is read by reopening the descriptor, and only after it proved to be a
 * regular file.
 *
 * <p>Not thread-safe. Close every handle; children are independent of their parent.
 */
public final class FileHandle implements AutoCloseable {
  /** Each level of a path takes at least two of PATH_MAX's 4096 bytes. */
  public static final int MAX_DEPTH = 2048;

  private final int fd;
  private final Stat stat;
  private boolean closed;

  private FileHandle(int fd) throws IOException {
    this.fd = fd;
    try {
      this.stat = Posix.fstat(fd);
    } catch (IOException e) {
      Posix.closeQuietly(fd);
      throw e;
    }
  }

  /**
   * Opens a directory the caller trusts (the root of the walk): symlinks in {@code dir} itself
   * are followed, as for any path the caller names.
   */
  public static FileHandle openDirectory(Path dir) throws IOException {
    FileHandle h = new FileHandle(Posix.openPath(Posix.AT_FDCWD, dir.toString(), true));
    if (!h.stat.isDirectory()) {
      h.close();
      throw new IOException(dir + " is not a directory");
    }
    return h;
  }

  /**
   * The entry {@code name} of this directory, without following it if it is a symlink.
   *
   * @return empty if there is no such entry (any more)
   */
  public Optional<FileHandle> child(String name) throws IOException {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0) {
      throw new IllegalArgumentException("not a plain name: '" + name + "'");
    }
    int child = Posix.openPathAt(fd, name);
    return child < 0 ? Optional.empty() : Optional.of(new FileHandle(child));
  }

  /**
   * The file at {@code relative} below this directory, every component a real directory
   * reached without following a symlink.
   *
   * @return empty if a component is missing or is not a directory (any more)
   */
  public Optional<FileHandle> walk(String relative) throws IOException {
    FileHandle current = null;
    try {
      for (String part : relative.split("/")) {
        FileHandle from = current == null ? this : current;
        if (!from.stat.isDirectory()) {
          return Optional.empty();
        }
        Optional<FileHandle> next = from.child(part);
        closeQuietly(current);
        current = next.orElse(null);
        if (current == null) {
          return Optional.empty();
        }
      }
      FileHandle found = current;
      current = null;
      return Optional.ofNullable(found);
    } finally {
      closeQuietly(current);
    }
  }

  /**
   * The directory this one is in ({@code ..}). Callers that climb back up a tree compare its
   * {@link Stat#ino()} and {@link Stat#dev()} with the directory they came from, as a
   * concurrent rename may have moved this one elsewhere.
   */
  public FileHandle parent() throws IOException {
    int up = Posix.openPathAt(fd, "..");
    if (up < 0) {
      throw new IOException("the directory was removed while it was walked");
    }
    return new FileHandle(up);
  }

  /**
   * Fails if a walk went deeper than {@link #MAX_DEPTH} directories: no tar can name such
   * paths, and each level holds a descriptor and a stack frame.
   */
  public static void checkDepth(int depth, String relative) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("the tree is more than " + MAX_DEPTH + " directories deep at '"
          + (relative.length() > 200 ? relative.substring(0, 200) + "..." : relative)
          + "'; no archive can name such paths");
    }
  }

  /** What the file was when it was opened (lstat of the name it was reached by). */
  public Stat stat() {
    return stat;
  }

  /** The names in this directory, sorted. */
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(procPath())) {
      for (Path c : s) {
        names.add(c.getFileName().toString());
      }
    }
    Collections.sort(names);
    return names;
  }

  /** A symlink's target. */
  public String readLink() throws IOException {
    return Posix.readLinkAt(fd);
  }

  /** Reads a regular file's content (a new descriptor on the same file). */
  public FileChannel openRead() throws IOException {
    if (!stat.isRegularFile()) {
      throw new IOException("not a regular file: " + Integer.toOctalString(stat.type()));
    }
    return FileChannel.open(procPath(), StandardOpenOption.READ);
  }

  /** The names of the file's xattrs; none for a symlink (Linux keeps none Berth copies). */
  public List<String> xattrNames() throws IOException {
    return stat.isSymlink() ? List.of() : Posix.listxattrFollowing(procPath());
  }

  /** An xattr's value, or null if the file does not have it. */
  public byte[] xattr(String name) throws IOException {
    return stat.isSymlink() ? null : Posix.getxattrFollowing(procPath(), name);
  }

  /** Removes the entry {@code name} of this directory (an empty directory or anything else). */
  public void unlink(String name, boolean directory) throws IOException {
    Posix.unlinkAt(fd, name, directory);
  }

  /** The descriptor's magic link: opening it reopens this very file, whatever its path. */
  private Path procPath() {
    return Path.of("/proc/self/fd", Integer.toString(fd));
  }

  private static void closeQuietly(FileHandle h) {
    if (h != null) {
      h.close();
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Posix.closeQuietly(fd);
    }
  }
}

package io.berth.storage.internal.tar;

import io.berth.storage.ImageFormatException;
import io.berth.storage.LayerChange;
import io.berth.storage.internal.sys.FileHandle;
import io.berth.storage.internal.sys.Posix;
import io.berth.storage.internal.sys.StackedDirectory;
import io.berth.storage.internal.sys.Stat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes directory trees, or a layer's changes, as tar entries: sorted by path, numeric
 * owners, one entry per hard-linked inode plus link entries, symlinks, devices and fifos as
 * header-only entries (never opened). Xattrs kept: {@code security.capability},
 * {@code system.posix_acl_*} and {@code user.*} (not {@code user.overlay.*}); host-specific
 * ones like {@code security.selinux} and {@code trusted.*} stay behind.
 *
 * <p>The tree may belong to a running container that changes it while it is read. Every file
 * is therefore reached through {@link FileHandle}s, one name at a time from the root and never
 * through a symlink, and read through the handle it was checked by: a directory the container
 * swaps for a symlink to a host path leads nowhere outside the tree. A file that vanishes
 * while the tree is read is left out, with a warning, as tar does. Not thread-safe.
 */
public final class TreeArchiver {
  private static final System.Logger LOG = System.getLogger(TreeArchiver.class.getName());

  private final TarWriter out;
  private final Optional<Instant> fixedMtime;
  private final Map<Long, Map<Long, String>> links = new HashMap<>();
  /** Paths of a change set written as something other than a directory, or left out. */
  private final Set<String> notDirectories = new HashSet<>();
  private final byte[] buffer = new byte[1 << 20];

  /** @param fixedMtime when present, every entry gets this mtime (reproducible output) */
  public TreeArchiver(TarWriter out, Optional<Instant> fixedMtime) {
    this.out = out;
    this.fixedMtime = fixedMtime;
  }

  /** Writes everything under {@code root} (not {@code root} itself), depth first, sorted. */
  public void writeTree(Path root) throws IOException {
    try (StackedDirectory top = StackedDirectory.plain(FileHandle.openDirectory(root))) {
      writeTree(top);
    }
  }

  /** As {@link #writeTree(Path)}, for a directory that may be a stack of layers. */
  public void writeTree(StackedDirectory root) throws IOException {
    writeChildren(root, "", 0);
  }

  private void writeChildren(StackedDirectory dir, String rel, int depth) throws IOException {
    FileHandle.checkDepth(depth, rel);
    for (String name : dir.names()) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Optional<StackedDirectory.Child> c = dir.child(name, () -> vanished(child));
      if (c.isEmpty()) {
        continue;
      }
      try (StackedDirectory.Child entry = c.get()) {
        writeEntry(entry.file(), child);
        if (entry.directory().isPresent()) {
          writeChildren(entry.directory().get(), child, depth + 1);
        }
      }
    }
  }

  private static void vanished(String rel) {
    LOG.log(System.Logger.Level.WARNING, "{0} vanished or changed while being archived;"
        + " left out", rel);
  }

  /**
   * Writes a layer's changes: the new content of changed paths from {@code contentDir}, an
   * opaque marker after each opaque directory, a {@code .wh.} entry for each deletion.
   *
   * @throws ImageFormatException if the layer holds a file whose name starts with
   *     {@code .wh.}, which a layer tar cannot carry without it becoming a deletion
   */
  public void writeChanges(Path contentDir, List<LayerChange> changes) throws IOException {
    try (FileHandle top = FileHandle.openDirectory(contentDir)) {
      for (LayerChange change : changes) {
        writeChange(top, change);
      }
    }
  }

  private void writeChange(FileHandle top, LayerChange change) throws IOException {
    String path = change.path();
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash + 1);
    String base = path.substring(slash + 1);
    if (underNonDirectory(path)) {
      // The listing saw a directory here, but it changed before it was read: nothing may go
      // under what the archive holds as a file or symlink (a whiteout there would be refused
      // as going through a symlink, a file would land elsewhere).
      vanished(path);
      return;
    }
    switch (change.kind()) {
      case DELETED:
        marker(parent + ".wh." + base);
        break;
      case CHANGED:
      case OPAQUE_DIRECTORY:
        if (base.startsWith(".wh.")) {
          throw new ImageFormatException("the container created '/" + path + "'; a name"
              + " starting with .wh. cannot be stored in an image layer because it would"
              + " mean a deletion. Rename or remove it, then commit again");
        }
        Optional<FileHandle> h = top.walk(path);
        if (h.isEmpty()) {
          notDirectories.add(path);
          vanished(path);
          return;
        }
        boolean directory;
        try (FileHandle f = h.get()) {
          writeEntry(f, path);
          directory = f.stat().isDirectory();
        }
        if (!directory) {
          notDirectories.add(path);
        } else if (change.kind() == LayerChange.Kind.OPAQUE_DIRECTORY) {
          marker(path + "/.wh..wh..opq");
        }
        break;
      default:
        throw new IllegalStateException("unknown change " + change);
    }
  }

  private boolean underNonDirectory(String path) {
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (notDirectories.contains(path.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  private void marker(String name) throws IOException {
    TarEntry e = new TarEntry(name, TarEntry.Type.FILE);
    e.mode(0).owner(0, 0).size(0).mtime(fixedMtime.map(Instant::getEpochSecond).orElse(0L), 0);
    out.putEntry(e);
  }

  private void writeEntry(FileHandle f, String rel) throws IOException {
    Stat s = f.stat();
    TarEntry.Type type;
    switch (s.type()) {
      case Posix.S_IFDIR:
        type = TarEntry.Type.DIRECTORY;
        break;
      case Posix.S_IFREG:
        type = TarEntry.Type.FILE;
        break;
      case Posix.S_IFLNK:
        type = TarEntry.Type.SYMLINK;
        break;
      case Posix.S_IFCHR:
        type = TarEntry.Type.CHAR_DEVICE;
        break;
      case Posix.S_IFBLK:
        type = TarEntry.Type.BLOCK_DEVICE;
        break;
      case Posix.S_IFIFO:
        type = TarEntry.Type.FIFO;
        break;
      default:
        return; // sockets are not content
    }
    TarEntry e = new TarEntry(rel, type);
    e.mode(s.permissions()).owner(s.uid(), s.gid());
    if (fixedMtime.isPresent()) {
      e.mtime(fixedMtime.get().getEpochSecond(), 0);
    } else {
      e.mtime(s.mtimeSeconds(), 0);
    }
    if (type != TarEntry.Type.DIRECTORY && s.nlink() > 1) {
      String first = links.computeIfAbsent(s.dev(), d -> new HashMap<>())
          .putIfAbsent(s.ino(), rel);
      if (first != null) {
        TarEntry link = new TarEntry(rel, TarEntry.Type.HARDLINK);
        link.mode(e.mode()).owner(e.uid(), e.gid()).mtime(e.mtimeSeconds(), 0).linkName(first);
        out.putEntry(link);
        return;
      }
    }
    e.xattrs(xattrs(f));
    switch (type) {
      case SYMLINK:
        e.linkName(f.readLink());
        break;
      case CHAR_DEVICE:
      case BLOCK_DEVICE:
        e.device(Posix.major(s.rdev()), Posix.minor(s.rdev()));
        break;
      case FILE:
        e.size(s.size());
        break;
      default:
        break;
    }
    out.putEntry(e);
    if (type == TarEntry.Type.FILE && s.size() > 0) {
      copyContent(f, rel);
    }
  }

  private void copyContent(FileHandle f, String rel) throws IOException {
    try (FileChannel ch = f.openRead(); InputStream in = Channels.newInputStream(ch)) {
      while (out.remaining() > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, out.remaining()));
        if (n < 0) {
          // The file shrank while being archived (a running container): keep the archive
          // well-formed, as tar does.
          LOG.log(System.Logger.Level.WARNING, "{0} shrank while being archived; padding"
              + " with {1} zero bytes", rel, out.remaining());
          Arrays.fill(buffer, (byte) 0);
          while (out.remaining() > 0) {
            out.write(buffer, 0, (int) Math.min(buffer.length, out.remaining()));
          }
          return;
        }
        out.write(buffer, 0, n);
      }
    }
  }

  private static Map<String, byte[]> xattrs(FileHandle f) throws IOException {
    List<String> names = f.xattrNames();
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, byte[]> result = new LinkedHashMap<>();
    for (String name : new java.util.TreeSet<>(names)) {
      if (keep(name)) {
        byte[] v = f.xattr(name);
        if (v != null) {
          result.put(name, v);
        }
      }
    }
    return result;
  }

  private static boolean keep(String xattr) {
    return xattr.equals("security.capability") || xattr.startsWith("system.posix_acl_")
        || xattr.startsWith("user.") && !xattr.startsWith("user.overlay.");
  }
}

package io.berth.storage.internal.tar;

import io.berth.storage.ImageFormatException;
import io.berth.storage.StorageDriver.WhiteoutFormat;
import io.berth.storage.UnsafeArchiveEntryException;
import io.berth.storage.internal.sys.FileTrees;
import io.berth.storage.internal.sys.Posix;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Unpacks a layer tar into a directory: the security boundary between an archive from anyone
 * and the host.
 *
 * <p>The rule, applied to every entry: <b>the unpacker behaves as if chrooted into the target
 * directory.</b>
 * <ul>
 *   <li>A leading {@code /} or {@code ./} is dropped; a name with a {@code ..} component is
 *       rejected ({@link UnsafeArchiveEntryException}), as no well-formed layer has one.
 *   <li>Symlinks met in the parent components of a name (including ones this archive made)
 *       are followed inside the target only: an absolute target starts at the target
 *       directory and {@code ..} stops there, as it would at a chroot's {@code /}.
 *   <li>The last component is never followed: an entry replaces whatever is at its path.
 *   <li>A hard link's target is resolved the same way and must be a non-directory that this
 *       layer already holds.
 *   <li>Whiteouts must not pass through a symlink and must name a file ({@code .wh.},
 *       {@code .wh..} and {@code .wh...} are rejected). A whiteout hides only what lower
 *       layers have: whatever this layer itself adds at or under the path stays, whichever
 *       order the entries come in.
 *   <li>{@code trusted.overlay.*} and {@code user.overlay.*} xattrs are never applied: only
 *       the driver decides what is a whiteout or an opaque directory.
 *   <li>A chain of more than 40 symlinks (a loop) is rejected, as is a name that the host
 *       could not hold: a component longer than NAME_MAX, or a path past PATH_MAX once the
 *       target directory and the symlinks followed are counted.
 * </ul>
 *
 * <p>The target must be private to the caller while it unpacks (the store unpacks into a new
 * layer nobody else sees yet), so what the unpacker checked cannot change under it. Files are
 * written with plain java.nio channels and big buffers; ownership, modes with setuid bits,
 * symlink times and xattrs go through {@link Posix}. Directory times are set at the end.
 * Not thread-safe; one instance per layer.
 */
public final class Unpacker {
  private static final int MAX_SYMLINKS = 40;
  private static final byte[] OPAQUE = {'y'};
  private static final boolean UTF8_PATHS =
      "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding", ""));

  /** Linux's PATH_MAX and NAME_MAX, in bytes. */
  private static final int PATH_MAX = 4096;
  private static final int NAME_MAX = 255;
  private static final int ENAMETOOLONG = 36;

  private final Path root;
  private final int rootLength;
  private final boolean overlay;
  /** Resolved relative paths known to be real directories (never symlinks). */
  private final Set<String> realDirs = new HashSet<>();
  /** Resolved relative paths this layer created, implicit parent directories included. */
  private final Set<String> created = new HashSet<>();
  /** Overlay only: paths this layer whited out (a directory re-created there is opaque). */
  private final Set<String> whitedOut = new HashSet<>();
  private final List<DirTime> dirTimes = new ArrayList<>();
  private final byte[] buffer = new byte[1 << 20];
  private long entries;
  private Optional<TarIndexWriter> index = Optional.empty();

  public Unpacker(Path root, WhiteoutFormat format) {
    this.root = root;
    this.rootLength = root.toString().getBytes(StandardCharsets.UTF_8).length;
    this.overlay = format == WhiteoutFormat.OVERLAY;
  }

  /**
   * Unpacks every entry {@code reader} yields into the root, and indexes the archive on the way
   * so that {@link TarIndexReader} can rebuild it from the unpacked files.
   */
  public void unpackIndexed(TarReader reader, TarIndexWriter writer) throws IOException {
    reader.recordInto(writer);
    index = Optional.of(writer);
    unpack(reader);
  }

  /** Unpacks every entry {@code reader} yields; does not drain the stream after the end. */
  public void unpack(TarReader reader) throws IOException {
    TarEntry e;
    while ((e = reader.next()) != null) {
      entries++;
      try {
        apply(e, reader);
      } catch (IOException ex) {
        if (!nameTooLong(ex)) {
          throw ex;
        }
        throw new ImageFormatException("tar entry '" + e.name() + "' needs a name longer than"
            + " this host allows (PATH_MAX " + PATH_MAX + ", NAME_MAX " + NAME_MAX + " bytes): "
            + ex.getMessage(), ex);
      }
    }
    for (DirTime t : dirTimes) {
      try {
        Posix.lutimes(t.dir, t.seconds, t.nanos);
      } catch (Posix.ErrnoException ex) {
        if (ex.errno() != Posix.ENOENT) {
          throw ex;
        }
        // Removed later in the same layer: nothing to stamp.
      }
    }
  }

  private static boolean nameTooLong(IOException ex) {
    return ex instanceof Posix.ErrnoException err ? err.errno() == ENAMETOOLONG
        : ex instanceof FileSystemException f && "File name too long".equals(f.getReason());
  }

  /** Entries unpacked so far. */
  public long entries() {
    return entries;
  }

  private void apply(TarEntry e, TarReader reader) throws IOException {
    List<String> parts = clean(e.name(), e.name());
    if (parts.isEmpty()) {
      if (e.type() != TarEntry.Type.DIRECTORY) {
        throw new UnsafeArchiveEntryException(e.name(),
            "it names the root directory but is not a directory");
      }
      metadata(root, e, false);
      dirTimes.add(new DirTime(root, e.mtimeSeconds(), e.mtimeNanos()));
      return;
    }
    String base = parts.get(parts.size() - 1);
    String parentRel = String.join("/", parts.subList(0, parts.size() - 1));
    if (base.startsWith(".wh.")) {
      whiteout(e, parentRel, base);
      return;
    }
    String parent = resolve(parentRel, true, true, e.name());
    String rel = parent.isEmpty() ? base : parent + "/" + base;
    checkHostPath(rel, e.name());
    Path path = root.resolve(rel);
    switch (e.type()) {
      case DIRECTORY:
        if (!makeDirectory(path, rel)) {
          clearSlot(path, rel, true);
          Files.createDirectory(path);
        }
        realDirs.add(rel);
        metadata(path, e, false);
        dirTimes.add(new DirTime(path, e.mtimeSeconds(), e.mtimeNanos()));
        if (overlay && whitedOut.contains(rel)) {
          Posix.lsetxattr(path, "trusted.overlay.opaque", OPAQUE);
        }
        break;
      case FILE:
        writeFile(path, rel, e, reader);
        metadata(path, e, false);
        times(path, e);
        break;
      case SYMLINK:
        clearSlot(path, rel, false);
        Files.createSymbolicLink(path, Path.of(e.linkName()));
        metadata(path, e, true);
        times(path, e);
        break;
      case HARDLINK:
        hardLink(path, rel, e);
        break;
      case CHAR_DEVICE:
      case BLOCK_DEVICE:
      case FIFO:
        clearSlot(path, rel, false);
        int kind = e.type() == TarEntry.Type.FIFO ? Posix.S_IFIFO
            : e.type() == TarEntry.Type.CHAR_DEVICE ? Posix.S_IFCHR : Posix.S_IFBLK;
        Posix.mknod(path, kind | (e.mode() & 0777), e.devMajor(), e.devMinor());
        metadata(path, e, false);
        times(path, e);
        break;
      default:
        throw new ImageFormatException("unsupported entry " + e);
    }
    created.add(rel);
  }

  // ---- names ----

  /**
   * Splits an entry name into plain components: drops a leading {@code /}, {@code .} and empty
   * components; rejects {@code ..}.
   */
  private static List<String> clean(String name, String entryName) {
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafeArchiveEntryException(entryName,
            "it has a '..' component, which could reach outside the root");
      }
      if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
        throw new ImageFormatException("tar entry '" + entryName + "' has a name component"
            + " longer than " + NAME_MAX + " bytes (NAME_MAX), which no Linux filesystem"
            + " stores");
      }
      if (!UTF8_PATHS && !isAscii(part)) {
        throw new ImageFormatException("tar entry '" + entryName + "' has a non-ASCII name,"
            + " which this JVM cannot write because its file name encoding (sun.jnu.encoding)"
            + " is not UTF-8; run it with a UTF-8 locale such as LANG=C.UTF-8");
      }
      parts.add(part);
    }
    return parts;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) > 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * Resolves a relative directory path inside the root as if chrooted there, and returns the
   * resolved relative path of a real directory (no symlink in it).
   *
   * @param create make missing directories (0755, root-owned), counting them as this layer's
   * @param followSymlinks follow symlinks inside the root; if false, meeting one is an error
   * @return the resolved path, or null if {@code create} is false and something is missing
   */
  private String resolve(String rel, boolean create, boolean followSymlinks, String entryName)
      throws IOException {
    if (rel.isEmpty() || realDirs.contains(rel)) {
      return rel;
    }
    Deque<String> todo = new ArrayDeque<>(List.of(rel.split("/")));
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String c = todo.pollFirst();
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      String candidate = done.isEmpty() ? c : String.join("/", done) + "/" + c;
      if (realDirs.contains(candidate)) {
        done.add(c);
        continue;
      }
      checkHostPath(candidate, entryName);
      Path p = root.resolve(candidate);
      BasicFileAttributes a = lstat(p);
      if (a != null && create && overlay && whitedOut.contains(candidate) && a.isOther()) {
        // This layer whited the path out and now puts entries under it: the directory it
        // makes hides the lower one, as if the entries had come before the whiteout.
        Files.delete(p);
        Files.createDirectory(p);
        Posix.chmod(p, 0755);
        Posix.lsetxattr(p, "trusted.overlay.opaque", OPAQUE);
        created.add(candidate);
        realDirs.add(candidate);
        done.add(c);
        continue;
      }
      if (a == null) {
        if (!create) {
          return null;
        }
        Files.createDirectory(p);
        Posix.chmod(p, 0755);
        created.add(candidate);
        realDirs.add(candidate);
        done.add(c);
      } else if (a.isDirectory()) {
        realDirs.add(candidate);
        done.add(c);
      } else if (a.isSymbolicLink()) {
        if (!followSymlinks) {
          throw new UnsafeArchiveEntryException(entryName, "its path goes through the symlink '"
              + candidate + "', which a whiteout must not follow");
        }
        if (++links > MAX_SYMLINKS) {
          throw new UnsafeArchiveEntryException(entryName,
              "too many levels of symbolic links (a symlink loop?)");
        }
        String target = Files.readSymbolicLink(p).toString();
        if (target.startsWith("/")) {
          done.clear();
        }
        String[] tparts = target.split("/");
        for (int i = tparts.length - 1; i >= 0; i--) {
          todo.addFirst(tparts[i]);
        }
      } else {
        throw new ImageFormatException("tar entry '" + entryName + "' needs '" + candidate
            + "' to be a directory, but the layer has a file there");
      }
    }
    return String.join("/", done);
  }

  /** Refuses a path the host could not name, with a message better than ENAMETOOLONG's. */
  private void checkHostPath(String rel, String entryName) {
    int length = rootLength + 1 + rel.getBytes(StandardCharsets.UTF_8).length;
    if (length >= PATH_MAX) {
      throw new ImageFormatException("tar entry '" + abbreviate(entryName) + "' leads to a"
          + " path of " + length + " bytes on the host, more than PATH_MAX (" + PATH_MAX
          + "); the image cannot be unpacked on Linux");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  // ---- entries ----

  /** Creates a directory, or returns false if something is already at the path. */
  private boolean makeDirectory(Path path, String rel) throws IOException {
    try {
      Files.createDirectory(path);
      return true;
    } catch (FileAlreadyExistsException e) {
      BasicFileAttributes a = lstat(path);
      return a != null && a.isDirectory();
    }
  }

  /**
   * Makes room for an entry: removes what is at the path unless it is a directory and a
   * directory is wanted. Never follows a symlink.
   */
  private void clearSlot(Path path, String rel, boolean wantDirectory) throws IOException {
    BasicFileAttributes a = lstat(path);
    if (a == null || wantDirectory && a.isDirectory()) {
      return;
    }
    if (index.isPresent()) {
      index.get().removing(rel);
    }
    if (a.isDirectory()) {
      FileTrees.deleteTree(path);
      forgetDirectoriesUnder(rel);
    } else {
      Files.delete(path);
    }
  }

  private void writeFile(Path path, String rel, TarEntry e, TarReader reader)
      throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException ex) {
      clearSlot(path, rel, false);
      ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }
    boolean extend = false;
    try (FileChannel out = ch) {
      if (e.isSparse()) {
        for (long[] seg : e.sparseMap()) {
          out.position(seg[0]);
          copy(reader, out, seg[1]);
        }
        extend = out.size() < e.realSize();
      } else {
        if (index.isPresent()) {
          index.get().claim(rel);
        }
        copy(reader, out, e.size());
      }
    }
    if (extend) {
      // The file ends in a hole: set its length without writing (the new part reads as zeros).
      try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
        raf.setLength(e.realSize());
      }
    }
  }

  private void copy(TarReader reader, FileChannel out, long length) throws IOException {
    while (length > 0) {
      int n = reader.read(buffer, 0, (int) Math.min(buffer.length, length));
      if (n < 0) {
        throw new ImageFormatException("tar entry data ends early");
      }
      ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
      while (bb.hasRemaining()) {
        out.write(bb);
      }
      length -= n;
    }
  }

  private void hardLink(Path path, String rel, TarEntry e) throws IOException {
    List<String> parts = clean(e.linkName(), e.name());
    if (parts.isEmpty()) {
      throw new UnsafeArchiveEntryException(e.name(), "it is a hard link to the root directory");
    }
    String base = parts.get(parts.size() - 1);
    String parent = resolve(String.join("/", parts.subList(0, parts.size() - 1)), false, true,
        e.name());
    String targetRel = parent == null ? null : parent.isEmpty() ? base : parent + "/" + base;
    if (targetRel != null) {
      checkHostPath(targetRel, e.name());
    }
    BasicFileAttributes a = targetRel == null ? null : lstat(root.resolve(targetRel));
    if (a == null) {
      throw new ImageFormatException("tar entry '" + e.name() + "' is a hard link to '"
          + e.linkName() + "', which this layer does not contain (yet)");
    }
    if (a.isDirectory()) {
      throw new UnsafeArchiveEntryException(e.name(), "it is a hard link to a directory");
    }
    if (targetRel.equals(rel)) {
      return;
    }
    clearSlot(path, rel, false);
    Files.createLink(path, root.resolve(targetRel));
  }

  /** Owner, then mode (chown clears setuid), then xattrs (chown clears capabilities). */
  private void metadata(Path path, TarEntry e, boolean symlink) throws IOException {
    Posix.lchown(path, e.uid(), e.gid());
    if (!symlink) {
      Posix.chmod(path, e.mode());
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      String name = x.getKey();
      if (name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.")) {
        continue;
      }
      try {
        Posix.lsetxattr(path, name, x.getValue());
      } catch (Posix.ErrnoException ex) {
        if (!symlink) {
          throw ex;
        }
        // Linux allows only some namespaces on symlinks; tar tools drop the rest too.
      }
    }
  }

  private static void times(Path path, TarEntry e) throws IOException {
    Posix.lutimes(path, e.mtimeSeconds(), e.mtimeNanos());
  }

  // ---- whiteouts ----

  private void whiteout(TarEntry e, String parentRel, String base) throws IOException {
    if (base.equals(".wh..wh..opq")) {
      String dir = resolve(parentRel, true, false, e.name());
      if (overlay) {
        Posix.lsetxattr(dir.isEmpty() ? root : root.resolve(dir), "trusted.overlay.opaque",
            OPAQUE);
      } else {
        pruneChildren(dir);
      }
      return;
    }
    if (base.startsWith(".wh..wh.")) {
      return; // aufs bookkeeping (.wh..wh.plnk, ...): never content
    }
    String name = base.substring(4);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      throw new UnsafeArchiveEntryException(e.name(), "it is a whiteout that names no file");
    }
    String dir = resolve(parentRel, true, false, e.name());
    String rel = dir.isEmpty() ? name : dir + "/" + name;
    Path path = root.resolve(rel);
    BasicFileAttributes a = lstat(path);
    if (!overlay) {
      prune(rel);
      return;
    }
    if (a == null) {
      Posix.mknod(path, Posix.S_IFCHR, 0, 0);
      whitedOut.add(rel);
    } else if (a.isDirectory()) {
      // This layer made the directory: it stays, but hides the lower one's contents.
      Posix.lsetxattr(path, "trusted.overlay.opaque", OPAQUE);
    }
    // A non-directory this layer made already hides the lower path.
  }

  /** Removes what lower layers put at {@code rel}, keeping whatever this layer created. */
  private void prune(String rel) throws IOException {
    Path path = root.resolve(rel);
    BasicFileAttributes a = lstat(path);
    if (a == null) {
      return;
    }
    if (a.isDirectory()) {
      pruneChildren(rel);
      if (!created.contains(rel)) {
        if (isEmpty(path)) {
          Files.delete(path);
          forgetDirectoriesUnder(rel);
        } else {
          // The lower directory is gone; what stays is the plain directory this layer's own
          // entries under it imply, exactly as when they come after the whiteout.
          Posix.lchown(path, 0, 0);
          Posix.chmod(path, 0755);
          for (String x : Posix.llistxattr(path)) {
            Posix.lremovexattr(path, x);
          }
        }
      }
    } else if (!created.contains(rel)) {
      Files.delete(path);
    }
  }

  private void pruneChildren(String dir) throws IOException {
    Path path = dir.isEmpty() ? root : root.resolve(dir);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
      for (Path child : children) {
        names.add(child.getFileName().toString());
      }
    }
    for (String n : names) {
      prune(dir.isEmpty() ? n : dir + "/" + n);
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      return !children.iterator().hasNext();
    }
  }

  private void forgetDirectoriesUnder(String rel) {
    String prefix = rel + "/";
    for (Iterator<String> it = realDirs.iterator(); it.hasNext(); ) {
      String d = it.next();
      if (d.equals(rel) || d.startsWith(prefix)) {
        it.remove();
      }
    }
  }

  /** A directory's mtime, set once everything inside it is written. */
  private record DirTime(Path dir, long seconds, int nanos) {}
}

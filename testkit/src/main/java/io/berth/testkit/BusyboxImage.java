package io.berth.testkit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A tiny root filesystem built from the host's static busybox, for tests and examples that
 * need an image without touching the network.
 *
 * <p>The tree holds {@code /bin/busybox} plus one symlink per applet in {@link #APPLETS},
 * {@code /etc/passwd} and {@code /etc/group} with {@code root}, {@code berth} (1000:1000, also
 * in group {@code wheel}) and {@code nobody}, and the usual empty directories. Extra files are
 * added with {@link #withFile}. Instances are immutable and may be shared between threads.
 *
 * <p>Both forms are reproducible: the directory and the tarball carry fixed mtimes and numeric
 * owners, and tar entries are sorted, so the same image always gives the same bytes.
 */
public final class BusyboxImage {

  /** The applets linked into {@code /bin}; tests may rely on every one of them. */
  public static final List<String> APPLETS = List.of(
      "cat", "chmod", "chown", "cp", "date", "dd", "echo", "env", "false", "grep", "head",
      "hostname", "id", "kill", "ln", "ls", "mkdir", "mkfifo", "mv", "printf", "ps", "pwd",
      "readlink", "rm", "sed", "seq", "sh", "sleep", "stat", "tail", "test", "touch", "tr",
      "true", "uname", "wc", "whoami", "yes");

  /** The fixed modification time of every entry: 2026-01-01T00:00:00Z. */
  public static final Instant MTIME = Instant.parse("2026-01-01T00:00:00Z");

  /** Where {@link #locateBusybox()} looks, in order, after {@code $BERTH_BUSYBOX}. */
  private static final List<Path> BUSYBOX_CANDIDATES =
      List.of(Path.of("/bin/busybox"), Path.of("/usr/bin/busybox"));

  private static final String PASSWD = String.join("\n",
      "root:x:0:0:root:/root:/bin/sh",
      "berth:x:1000:1000:Berth test user:/home/berth:/bin/sh",
      "nobody:x:65534:65534:nobody:/nonexistent:/bin/false",
      "");
  private static final String GROUP = String.join("\n",
      "root:x:0:",
      "wheel:x:10:berth",
      "berth:x:1000:",
      "nogroup:x:65534:",
      "");

  private final Map<String, Node> nodes;

  private BusyboxImage(Map<String, Node> nodes) {
    this.nodes = nodes;
  }

  /** The standard image, built from the busybox found by {@link #locateBusybox()}. */
  public static BusyboxImage standard() {
    Path busybox = locateBusybox();
    TreeMap<String, Node> tree = new TreeMap<>();
    for (String dir : List.of("bin", "dev", "etc", "home", "proc", "sys", "usr", "var")) {
      tree.put(dir, Node.dir(0755, 0, 0));
    }
    tree.put("root", Node.dir(0700, 0, 0));
    tree.put("tmp", Node.dir(01777, 0, 0));
    tree.put("home/berth", Node.dir(0755, 1000, 1000));
    tree.put("bin/busybox", Node.hostFile(busybox, 0755));
    for (String applet : APPLETS) {
      tree.put("bin/" + applet, Node.symlink("busybox"));
    }
    tree.put("etc/passwd", Node.file(PASSWD.getBytes(StandardCharsets.UTF_8), 0644, 0, 0));
    tree.put("etc/group", Node.file(GROUP.getBytes(StandardCharsets.UTF_8), 0644, 0, 0));
    tree.put("etc/hostname", Node.file("busybox\n".getBytes(StandardCharsets.UTF_8), 0644, 0, 0));
    return new BusyboxImage(Collections.unmodifiableMap(tree));
  }

  /**
   * Returns a copy of this image with one more regular file, owned by root. Missing parent
   * directories are added with mode 0755.
   *
   * @param path relative path inside the image, like {@code "etc/motd"}
   */
  public BusyboxImage withFile(String path, String content, int mode) {
    return withFile(path, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  /** As {@link #withFile(String, String, int)}, with raw bytes. */
  public BusyboxImage withFile(String path, byte[] content, int mode) {
    String clean = cleanRelative(path);
    TreeMap<String, Node> tree = new TreeMap<>(nodes);
    for (String parent = parentOf(clean); parent != null; parent = parentOf(parent)) {
      tree.putIfAbsent(parent, Node.dir(0755, 0, 0));
    }
    tree.put(clean, Node.file(content.clone(), mode, 0, 0));
    return new BusyboxImage(Collections.unmodifiableMap(tree));
  }

  /** The relative paths of every entry, sorted. */
  public List<String> paths() {
    return List.copyOf(nodes.keySet());
  }

  /**
   * Writes the tree into {@code dir}, which must not exist or be empty. Needs root for the
   * files owned by uid 1000.
   *
   * @return {@code dir}
   */
  public Path writeRootfs(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        throw new IOException("refusing to write a rootfs into non-empty directory " + dir);
      }
    }
    FileTime mtime = FileTime.from(MTIME);
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      Path target = dir.resolve(e.getKey());
      Node node = e.getValue();
      switch (node.kind) {
        case DIR -> Files.createDirectory(target);
        case FILE -> {
          if (node.hostSource != null) {
            Files.copy(node.hostSource, target, StandardCopyOption.COPY_ATTRIBUTES);
          } else {
            Files.write(target, node.content);
          }
        }
        case SYMLINK -> Files.createSymbolicLink(target, Path.of(node.linkTarget));
      }
      if (node.kind != Kind.SYMLINK) {
        Files.setAttribute(target, "unix:uid", node.uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(target, "unix:gid", node.gid, LinkOption.NOFOLLOW_LINKS);
        // chmod after chown: chown clears setuid bits, and the mode must be exact.
        Files.setAttribute(target, "unix:mode", node.mode, LinkOption.NOFOLLOW_LINKS);
      }
    }
    // Directory mtimes last, in reverse order, because creating children touches them.
    List<String> reversed = new ArrayList<>(nodes.keySet());
    Collections.reverse(reversed);
    for (String path : reversed) {
      Path target = dir.resolve(path);
      if (nodes.get(path).kind != Kind.SYMLINK) {
        Files.setLastModifiedTime(target, mtime);
      }
    }
    return dir;
  }

  /**
   * Writes the tree as an uncompressed tar (PAX where needed, numeric owners, sorted entries,
   * fixed mtimes) to {@code tarFile}, replacing it.
   *
   * @return {@code tarFile}
   */
  public Path writeRootfsTar(Path tarFile) throws IOException {
    Path parent = tarFile.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, ".busybox-", ".tar.tmp");
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp))) {
        writeTar(out);
      }
      Files.move(temp, tarFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return tarFile;
  }

  /** Writes the tar form to {@code out}, which is not closed. */
  public void writeTar(OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(new NonClosing(out), "UTF-8");
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    for (Map.Entry<String, Node> e : nodes.entrySet()) {
      Node node = e.getValue();
      TarArchiveEntry entry;
      switch (node.kind) {
        case DIR -> entry = new TarArchiveEntry(e.getKey() + "/", TarConstants.LF_DIR);
        case SYMLINK -> {
          entry = new TarArchiveEntry(e.getKey(), TarConstants.LF_SYMLINK);
          entry.setLinkName(node.linkTarget);
        }
        default -> {
          entry = new TarArchiveEntry(e.getKey(), TarConstants.LF_NORMAL);
          entry.setSize(node.size());
        }
      }
      entry.setMode(node.kind == Kind.SYMLINK ? 0777 : node.mode);
      entry.setIds(node.uid, node.gid);
      entry.setUserName("");
      entry.setGroupName("");
      entry.setModTime(MTIME.toEpochMilli());
      tar.putArchiveEntry(entry);
      if (node.kind == Kind.FILE) {
        if (node.hostSource != null) {
          Files.copy(node.hostSource, tar);
        } else {
          tar.write(node.content);
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    tar.close();
  }

  /**
   * Finds a statically linked busybox on this host: {@code $BERTH_BUSYBOX}, then
   * {@code /bin/busybox}, then {@code /usr/bin/busybox}.
   *
   * @throws IllegalStateException naming what is missing and how to install it
   */
  public static Path locateBusybox() {
    String override = System.getenv("BERTH_BUSYBOX");
    List<Path> candidates = new ArrayList<>();
    if (override != null && !override.isEmpty()) {
      candidates.add(Path.of(override));
    }
    candidates.addAll(BUSYBOX_CANDIDATES);
    List<String> rejected = new ArrayList<>();
    for (Path candidate : candidates) {
      if (!Files.isRegularFile(candidate)) {
        continue;
      }
      try {
        if (Elf.isStaticExecutable(candidate)) {
          return candidate;
        }
        rejected.add(candidate + " (dynamically linked)");
      } catch (IOException e) {
        rejected.add(candidate + " (" + e.getMessage() + ")");
      }
    }
    throw new IllegalStateException("no statically linked busybox found"
        + (rejected.isEmpty() ? "" : "; rejected: " + String.join(", ", rejected))
        + ". Install it with `apt-get install busybox-static`, or point $BERTH_BUSYBOX at one.");
  }

  private static String cleanRelative(String path) {
    Objects.requireNonNull(path, "path");
    String clean = path;
    while (clean.startsWith("/")) {
      clean = clean.substring(1);
    }
    while (clean.endsWith("/")) {
      clean = clean.substring(0, clean.length() - 1);
    }
    if (clean.isEmpty()) {
      throw new IllegalArgumentException("empty path: '" + path + "'");
    }
    for (String part : clean.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("path must be plain and relative: '" + path + "'");
      }
    }
    return clean;
  }

  private static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? null : path.substring(0, slash);
  }

  private enum Kind { DIR, FILE, SYMLINK }

  private static final class Node {
    final Kind kind;
    final int mode;
    final int uid;
    final int gid;
    final byte[] content;
    final Path hostSource;
    final String linkTarget;

    private Node(Kind kind, int mode, int uid, int gid, byte[] content, Path hostSource,
        String linkTarget) {
      this.kind = kind;
      this.mode = mode;
      this.uid = uid;
      this.gid = gid;
      this.content = content;
      this.hostSource = hostSource;
      this.linkTarget = linkTarget;
    }

    static Node dir(int mode, int uid, int gid) {
      return new Node(Kind.DIR, mode, uid, gid, null, null, null);
    }

    static Node file(byte[] content, int mode, int uid, int gid) {
      return new Node(Kind.FILE, mode, uid, gid, content, null, null);
    }

    static Node hostFile(Path source, int mode) {
      return new Node(Kind.FILE, mode, 0, 0, null, source, null);
    }

    static Node symlink(String target) {
      return new Node(Kind.SYMLINK, 0777, 0, 0, null, null, target);
    }

    long size() throws IOException {
      return hostSource != null ? Files.size(hostSource) : content.length;
    }
  }

  /** Lets the tar stream finish without closing the caller's stream. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}

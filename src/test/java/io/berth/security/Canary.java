package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A tree of host files outside every Berth root that hostile images aim at: a secret, a
 * setuid file, a hard link, a symlink, a directory, and a {@code passwd} and {@code group}
 * that name a user {@value #USER} (so a user lookup that wrongly read them would succeed).
 * {@link #assertUnchanged()} compares every entry, the root included, by type, mode, owner,
 * size, sha256, link target, link count and mtime to the nanosecond, and checks nothing is
 * mounted on it.
 *
 * <p>Plant one per test class; not thread-safe.
 */
final class Canary {
  /** The user and group only the canary's passwd and group files know. */
  static final String USER = "canaryuser";
  static final String SECRET = "canary secret: never in an image, never changed\n";

  private final Path dir;
  private final TreeMap<String, String> before;

  private Canary(Path dir) throws IOException {
    this.dir = dir;
    this.before = snapshot();
  }

  /** Creates the canary tree in {@code dir} (which must not exist) and records it. */
  static Canary plant(Path dir) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve("secret"), SECRET, "rw-------");
    write(dir.resolve("setuid"), "#!/bin/sh\necho canary\n", "rwxr-xr-x");
    Files.setAttribute(dir.resolve("setuid"), "unix:mode", 04755);
    Files.createLink(dir.resolve("secret-hardlink"), dir.resolve("secret"));
    Files.createSymbolicLink(dir.resolve("secret-symlink"), dir.resolve("secret"));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    write(sub.resolve("nested"), "nested\n", "rw-r--r--");
    write(dir.resolve("passwd"), USER + ":x:4242:4242:canary:/:/bin/sh\n", "rw-r--r--");
    write(dir.resolve("group"), USER + ":x:4242:" + USER + "\n", "rw-r--r--");
    return new Canary(dir);
  }

  private static void write(Path file, String content, String mode) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions
        .fromString(mode));
  }

  Path dir() {
    return dir;
  }

  /** The canary's path without the leading slash, to put under a rootfs. */
  String relative() {
    return dir.toString().substring(1);
  }

  Path secret() {
    return dir.resolve("secret");
  }

  /** Fails, naming every difference, if anything in the tree changed since it was planted. */
  void assertUnchanged() throws IOException {
    assertThat(snapshot()).as("the canary tree at %s", dir).isEqualTo(before);
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.equals(dir.toString()) || point.startsWith(dir + "/")) {
        mounts.add(point);
      }
    }
    assertThat(mounts).as("mounts on the canary tree").isEmpty();
  }

  private TreeMap<String, String> snapshot() throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    out.put(".", describe(dir));
    walk("", out);
    return out;
  }

  private void walk(String rel, Map<String, String> out) throws IOException {
    Path here = rel.isEmpty() ? dir : dir.resolve(rel);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(here)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    Collections.sort(names);
    for (String name : names) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Path p = dir.resolve(child);
      String d = describe(p);
      out.put(child, d);
      if (d.startsWith("dir")) {
        walk(child, out);
      }
    }
  }

  private static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p,
        "unix:mode,uid,gid,size,nlink,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    String type = switch (mode & 0170000) {
      case 0040000 -> "dir";
      case 0100000 -> "file";
      case 0120000 -> "symlink";
      default -> String.format("type%o", mode & 0170000);
    };
    StringBuilder d = new StringBuilder(type).append(String.format(" mode=%04o", mode & 07777))
        .append(" owner=").append(a.get("uid")).append(':').append(a.get("gid"))
        .append(" nlink=").append(a.get("nlink"))
        .append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toInstant());
    if (type.equals("file")) {
      d.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
    } else if (type.equals("symlink")) {
      d.append(" -> ").append(Files.readSymbolicLink(p));
    }
    return d.toString();
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

package io.berth.storage;

import io.berth.storage.internal.sys.Posix;
import java.io.IOException;
import java.io.InputStream;
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
 * A comparable description of a directory tree: per path, its type, mode, owner, link target,
 * device number, and the sha256 of a file's content. Directory mtimes are left out (creating
 * children changes them in some tools); file and symlink mtimes are included on request.
 */
final class TreeSnapshot {
  private TreeSnapshot() {}

  static TreeMap<String, String> of(Path root, boolean withMtimes) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    walk(root, "", out, withMtimes);
    return out;
  }

  private static void walk(Path root, String rel, Map<String, String> out, boolean withMtimes)
      throws IOException {
    Path dir = rel.isEmpty() ? root : root.resolve(rel);
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    Collections.sort(names);
    for (String name : names) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Path p = root.resolve(child);
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev,lastModifiedTime",
          LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      int type = mode & Posix.S_IFMT;
      StringBuilder d = new StringBuilder();
      d.append(String.format("type=%o mode=%04o owner=%d:%d", type >> 12, mode & 07777,
          a.get("uid"), a.get("gid")));
      if (type == Posix.S_IFREG) {
        d.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
      } else if (type == Posix.S_IFLNK) {
        d.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (type == Posix.S_IFCHR || type == Posix.S_IFBLK) {
        long rdev = (Long) a.get("rdev");
        d.append(" dev=").append(Posix.major(rdev)).append(':').append(Posix.minor(rdev));
      }
      if (withMtimes && type != Posix.S_IFDIR) {
        d.append(" mtime=").append(((FileTime) a.get("lastModifiedTime")).toInstant()
            .getEpochSecond());
      }
      out.put(child, d.toString());
      if (type == Posix.S_IFDIR) {
        walk(root, child, out, withMtimes);
      }
    }
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
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

package io.berth.storage.internal.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What lstat(2) says about a path, through java.nio's {@code unix:} view (no JNA call).
 *
 * @param mode type and permission bits, as in {@code st_mode}
 */
public record Stat(int mode, long uid, long gid, long size, long mtimeSeconds, int mtimeNanos,
    long ino, long dev, int nlink, long rdev) {

  private static final String ATTRIBUTES =
      "unix:mode,uid,gid,size,lastModifiedTime,ino,dev,nlink,rdev";

  /** lstat: never follows a symlink. */
  public static Stat of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
    return new Stat((Integer) a.get("mode"), Integer.toUnsignedLong((Integer) a.get("uid")),
        Integer.toUnsignedLong((Integer) a.get("gid")), (Long) a.get("size"),
        mtime.getEpochSecond(), mtime.getNano(), (Long) a.get("ino"), (Long) a.get("dev"),
        (Integer) a.get("nlink"), (Long) a.get("rdev"));
  }

  /** As {@link #of}, empty when nothing is at the path. */
  public static Optional<Stat> ofIfExists(Path path) throws IOException {
    try {
      return Optional.of(of(path));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  public int type() {
    return mode & Posix.S_IFMT;
  }

  public boolean isDirectory() {
    return type() == Posix.S_IFDIR;
  }

  public boolean isRegularFile() {
    return type() == Posix.S_IFREG;
  }

  public boolean isSymlink() {
    return type() == Posix.S_IFLNK;
  }

  /** An overlayfs whiteout: a character device numbered 0:0. */
  public boolean isWhiteout() {
    return type() == Posix.S_IFCHR && rdev == 0;
  }

  public int permissions() {
    return mode & 07777;
  }
}

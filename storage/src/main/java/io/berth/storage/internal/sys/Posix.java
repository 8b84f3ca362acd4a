package io.berth.storage.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Linux calls java.nio lacks: mount, mknod, ownership and times of symlinks, xattrs in
 * every namespace. Directly mapped through JNA (cheap per call). Every failure becomes an
 * {@link IOException} naming the call, the path and the errno text. Thread-safe: stateless.
 */
public final class Posix {
  public static final int AT_FDCWD = -100;
  public static final int AT_SYMLINK_NOFOLLOW = 0x100;

  public static final int S_IFMT = 0170000;
  public static final int S_IFSOCK = 0140000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFIFO = 0010000;

  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final int MNT_DETACH = 2;

  public static final int ENOENT = 2;
  public static final int ENOTDIR = 20;
  public static final int ELOOP = 40;
  public static final int EINVAL = 22;
  public static final int ENODATA = 61;
  public static final int ENOTSUP = 95;
  public static final int ERANGE = 34;

  // open(2) flags; O_NOFOLLOW and O_DIRECTORY differ between x86 and arm.
  private static final boolean ARM = System.getProperty("os.arch", "").startsWith("aarch64")
      || System.getProperty("os.arch", "").startsWith("arm");
  static final int O_NOFOLLOW = ARM ? 0100000 : 0400000;
  static final int O_PATH = 010000000;
  static final int O_CLOEXEC = 02000000;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int AT_REMOVEDIR = 0x200;
  static final int STATX_BASIC_STATS = 0x7ff;

  // New mount API, for overlay stacks whose lowerdir list does not fit one page.
  static final int FSOPEN_CLOEXEC = 1;
  static final int FSCONFIG_SET_STRING = 1;
  static final int FSCONFIG_CMD_CREATE = 6;
  static final int FSMOUNT_CLOEXEC = 1;
  static final int MOVE_MOUNT_F_EMPTY_PATH = 4;

  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  private Posix() {}

  private static native int mount(String source, String target, String fstype, long flags,
      String data) throws LastErrorException;

  private static native int umount2(String target, int flags) throws LastErrorException;

  private static native int mknod(String path, int mode, long dev) throws LastErrorException;

  private static native int lchown(String path, int uid, int gid) throws LastErrorException;

  private static native int chmod(String path, int mode) throws LastErrorException;

  private static native int lsetxattr(String path, String name, byte[] value, long size,
      int flags) throws LastErrorException;

  private static native long lgetxattr(String path, String name, byte[] value, long size)
      throws LastErrorException;

  private static native int lremovexattr(String path, String name) throws LastErrorException;

  private static native long llistxattr(String path, byte[] list, long size)
      throws LastErrorException;

  private static native int utimensat(int dirfd, String path, long[] times, int flags)
      throws LastErrorException;

  private static native int fsopen(String fsname, int flags) throws LastErrorException;

  private static native int fsconfig(int fd, int cmd, String key, String value, int aux)
      throws LastErrorException;

  private static native int fsmount(int fd, int flags, int attrFlags) throws LastErrorException;

  private static native int move_mount(int fromDirfd, String fromPath, int toDirfd,
      String toPath, int flags) throws LastErrorException;

  private static native int close(int fd) throws LastErrorException;

  private static native int openat(int dirfd, String path, int flags, int mode)
      throws LastErrorException;

  private static native int statx(int dirfd, String path, int flags, int mask, byte[] buf)
      throws LastErrorException;

  private static native long readlinkat(int dirfd, String path, byte[] buf, long size)
      throws LastErrorException;

  private static native int unlinkat(int dirfd, String path, int flags)
      throws LastErrorException;

  private static native long getxattr(String path, String name, byte[] value, long size)
      throws LastErrorException;

  private static native long listxattr(String path, byte[] list, long size)
      throws LastErrorException;

  private static native int open(String path, int flags) throws LastErrorException;

  private static native int syncfs(int fd) throws LastErrorException;

  private static IOException failure(String call, Object path, LastErrorException e) {
    return new ErrnoException(call + " " + path + ": " + e.getMessage(), e.getErrorCode());
  }

  /** Mounts like mount(2). */
  public static void mount(String source, Path target, String type, long flags, String data)
      throws IOException {
    try {
      mount(source, target.toString(), type, flags, data);
    } catch (LastErrorException e) {
      throw failure("mount(" + type + ", " + data + ") on", target, e);
    }
  }

  /**
   * Mounts an overlay with the new mount API, one {@code lowerdir+} per lower (kernel 6.8+),
   * so that no single string has to hold every lower directory.
   */
  public static void mountOverlayPerLower(List<String> lowers, String upper, String work,
      List<String> extraOptions, Path target) throws IOException {
    int fs = -1;
    int mnt = -1;
    try {
      fs = fsopen("overlay", FSOPEN_CLOEXEC);
      for (String lower : lowers) {
        fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", lower, 0);
      }
      fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0);
      fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0);
      for (String option : extraOptions) {
        int eq = option.indexOf('=');
        fsconfig(fs, FSCONFIG_SET_STRING, option.substring(0, eq), option.substring(eq + 1), 0);
      }
      fsconfig(fs, FSCONFIG_CMD_CREATE, null, null, 0);
      mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
      move_mount(mnt, "", AT_FDCWD, target.toString(), MOVE_MOUNT_F_EMPTY_PATH);
    } catch (LastErrorException e) {
      throw failure("overlay mount (new mount API, " + lowers.size() + " lowers) on", target, e);
    } catch (UnsatisfiedLinkError e) {
      throw new IOException("this C library has no fsopen(2); overlay stacks of "
          + lowers.size() + " layers need it (glibc 2.36+)", e);
    } finally {
      closeQuietly(mnt);
      closeQuietly(fs);
    }
  }

  /** Opens {@code path} (relative to {@code dirfd}) with O_PATH; follows a final symlink only if asked. */
  static int openPath(int dirfd, String path, boolean follow) throws IOException {
    try {
      return openat(dirfd, path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW), 0);
    } catch (LastErrorException e) {
      throw failure("open", path, e);
    }
  }

  /**
   * Opens the entry {@code name} of directory {@code dirfd} with O_PATH, not following it.
   *
   * @return the descriptor, or -1 if there is no such entry
   */
  static int openPathAt(int dirfd, String name) throws IOException {
    try {
      return openat(dirfd, name, O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ENOENT) {
        return -1;
      }
      throw failure("openat", name, e);
    }
  }

  /** What the file behind a descriptor is (statx with AT_EMPTY_PATH: never a path lookup). */
  static Stat fstat(int fd) throws IOException {
    byte[] buf = new byte[256];
    try {
      statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf);
    } catch (LastErrorException e) {
      throw failure("statx", "fd " + fd, e);
    }
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf).order(java.nio.ByteOrder.nativeOrder());
    return new Stat(b.getShort(28) & 0xffff, Integer.toUnsignedLong(b.getInt(20)),
        Integer.toUnsignedLong(b.getInt(24)), b.getLong(40), b.getLong(112), b.getInt(120),
        b.getLong(32), makedev(Integer.toUnsignedLong(b.getInt(136)),
            Integer.toUnsignedLong(b.getInt(140))), b.getInt(16),
        makedev(Integer.toUnsignedLong(b.getInt(128)), Integer.toUnsignedLong(b.getInt(132))));
  }

  /** The target of the symlink a descriptor holds. */
  static String readLinkAt(int fd) throws IOException {
    byte[] buf = new byte[4096];
    long n;
    try {
      n = readlinkat(fd, "", buf, buf.length);
    } catch (LastErrorException e) {
      throw failure("readlinkat", "fd " + fd, e);
    }
    return new String(buf, 0, (int) n, java.nio.charset.StandardCharsets.UTF_8);
  }

  static void unlinkAt(int dirfd, String name, boolean directory) throws IOException {
    try {
      unlinkat(dirfd, name, directory ? AT_REMOVEDIR : 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ENOENT) {
        throw failure("unlinkat", name, e);
      }
    }
  }

  static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        close(fd);
      } catch (LastErrorException ignored) {
        // Nothing useful to do: the fd is gone either way.
      }
    }
  }

  public static void umount(Path target, int flags) throws IOException {
    try {
      umount2(target.toString(), flags);
    } catch (LastErrorException e) {
      throw failure("umount2", target, e);
    }
  }

  /** Creates a device node, fifo or (0:0 char device) overlay whiteout. */
  public static void mknod(Path path, int mode, int major, int minor) throws IOException {
    try {
      mknod(path.toString(), mode, makedev(major, minor));
    } catch (LastErrorException e) {
      throw failure("mknod", path, e);
    }
  }

  /** glibc's makedev: the 64-bit dev_t encoding. */
  static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
  }

  public static int major(long dev) {
    return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
  }

  public static int minor(long dev) {
    return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
  }

  /** Sets owner and group without following a symlink. */
  public static void lchown(Path path, long uid, long gid) throws IOException {
    try {
      lchown(path.toString(), (int) uid, (int) gid);
    } catch (LastErrorException e) {
      throw failure("lchown", path, e);
    }
  }

  /**
   * Sets all mode bits, setuid, setgid and sticky included (java.nio cannot set those, and its
   * no-follow variant opens the file, which blocks on a fifo). Follows a symlink: call it only
   * on paths known not to be one.
   */
  public static void chmod(Path path, int mode) throws IOException {
    try {
      chmod(path.toString(), mode & 07777);
    } catch (LastErrorException e) {
      throw failure("chmod", path, e);
    }
  }

  public static void lsetxattr(Path path, String name, byte[] value) throws IOException {
    try {
      lsetxattr(path.toString(), name, value, value.length, 0);
    } catch (LastErrorException e) {
      throw failure("lsetxattr(" + name + ")", path, e);
    }
  }

  public static void lremovexattr(Path path, String name) throws IOException {
    try {
      lremovexattr(path.toString(), name);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ENODATA) {
        throw failure("lremovexattr(" + name + ")", path, e);
      }
    }
  }

  /** The xattr's value, or null when the file does not have it. */
  public static byte[] lgetxattr(Path path, String name) throws IOException {
    String p = path.toString();
    return sized("lgetxattr(" + name + ")", path, (buf, size) -> lgetxattr(p, name, buf, size));
  }

  /** The names of the file's xattrs (of every namespace this process may see). */
  public static List<String> llistxattr(Path path) throws IOException {
    String p = path.toString();
    byte[] list = sized("llistxattr", path, (buf, size) -> llistxattr(p, buf, size));
    return list == null ? List.of() : names(list);
  }

  /** Like {@link #llistxattr} but following the last component (for /proc/self/fd links). */
  static List<String> listxattrFollowing(Path path) throws IOException {
    String p = path.toString();
    byte[] list = sized("listxattr", path, (buf, size) -> listxattr(p, buf, size));
    return list == null ? List.of() : names(list);
  }

  /** Like {@link #lgetxattr} but following the last component (for /proc/self/fd links). */
  static byte[] getxattrFollowing(Path path, String name) throws IOException {
    String p = path.toString();
    return sized("getxattr(" + name + ")", path, (buf, size) -> getxattr(p, name, buf, size));
  }

  /** A call that fills {@code buf} (or, with a null buf, says how big it must be). */
  @FunctionalInterface
  private interface SizedCall {
    long call(byte[] buf, long size) throws LastErrorException;
  }

  /**
   * Asks for the size, then for the bytes, again if they grew in between.
   *
   * @return the bytes, or null when the file has no such xattr (or its filesystem none)
   */
  private static byte[] sized(String what, Path path, SizedCall call) throws IOException {
    for (int attempt = 0; attempt < 4; attempt++) {
      try {
        long size = call.call(null, 0);
        byte[] buf = new byte[(int) size];
        long got = size == 0 ? 0 : call.call(buf, buf.length);
        return got == buf.length ? buf : java.util.Arrays.copyOf(buf, (int) got);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ENODATA || e.getErrorCode() == ENOTSUP) {
          return null;
        }
        if (e.getErrorCode() != ERANGE) {
          throw failure(what, path, e);
        }
        // The value grew between the two calls: ask again.
      }
    }
    throw new IOException(what + " " + path + ": value keeps changing size");
  }

  /** Splits a NUL-separated list of xattr names. */
  private static List<String> names(byte[] buf) {
    List<String> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < buf.length; i++) {
      if (buf[i] == 0) {
        if (i > start) {
          names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return names;
  }

  /**
   * Flushes the whole filesystem holding {@code path} to disk: one call after a layer is
   * unpacked makes it durable before its record is committed, instead of one fsync per file.
   */
  public static void syncfs(Path path) throws IOException {
    int fd = -1;
    try {
      fd = open(path.toString(), 0 /* O_RDONLY */);
      syncfs(fd);
    } catch (LastErrorException e) {
      throw failure("syncfs", path, e);
    } finally {
      closeQuietly(fd);
    }
  }

  /** Sets access and modification times without following a symlink. */
  public static void lutimes(Path path, long seconds, int nanos) throws IOException {
    try {
      utimensat(AT_FDCWD, path.toString(), new long[] {seconds, nanos, seconds, nanos},
          AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw failure("utimensat", path, e);
    }
  }

  /** An IOException that keeps the errno. */
  public static final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    ErrnoException(String message, int errno) {
      super(message);
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }
  }
}

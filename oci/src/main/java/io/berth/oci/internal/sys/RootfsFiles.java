package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads small files of a container's rootfs as the container would see them: every symlink,
 * absolute or relative, is resolved with the rootfs as {@code /} (openat2 with
 * RESOLVE_IN_ROOT), so an image's {@code /etc/passwd -> /etc/shadow} or {@code -> ../../host}
 * can never reach host files. Only regular files are read, and only up to a cap, so a link to
 * {@code /dev/zero} or a huge file cannot stall or exhaust the JVM.
 */
public final class RootfsFiles {
  private static final long RESOLVE_NO_MAGICLINKS = 0x02;
  private static final long RESOLVE_IN_ROOT = 0x10;

  private RootfsFiles() {}

  /**
   * Reads {@code relative} (like {@code etc/passwd}) inside {@code rootfs}.
   *
   * @return empty if the file does not exist
   * @throws IOException if it is not a regular file, is larger than {@code maxBytes}, or
   *     cannot be read
   */
  public static Optional<byte[]> read(Path rootfs, String relative, int maxBytes)
      throws IOException {
    int root;
    try {
      root = LibC.INSTANCE.open(rootfs.toString(),
          LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new IOException("cannot open rootfs " + rootfs + ": " + Errno.describe(e), e);
    }
    try {
      Memory how = new Memory(24);
      how.setLong(0, LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOCTTY | LibC.O_NONBLOCK);
      how.setLong(8, 0);
      how.setLong(16, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      int fd;
      try {
        fd = (int) LibC.INSTANCE.syscall(LibC.SYS_OPENAT2, root, relative, how, 24L);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.ENOENT) {
          return Optional.empty();
        }
        throw new IOException("cannot open /" + relative + " in rootfs " + rootfs + ": "
            + Errno.describe(e), e);
      }
      try {
        // Following the fd's magic link stats the opened file itself, not a path.
        if (!Files.isRegularFile(Path.of("/proc/self/fd", Integer.toString(fd)))) {
          throw new IOException("/" + relative + " in rootfs " + rootfs
              + " is not a regular file");
        }
        return Optional.of(readCapped(fd, maxBytes, relative, rootfs));
      } finally {
        Fds.closeQuietly(fd);
      }
    } finally {
      Fds.closeQuietly(root);
    }
  }

  private static byte[] readCapped(int fd, int maxBytes, String relative, Path rootfs)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16384];
    while (true) {
      int n;
      try {
        n = Fds.read(fd, buf);
      } catch (LastErrorException e) {
        throw new IOException("cannot read /" + relative + " in rootfs " + rootfs + ": "
            + Errno.describe(e), e);
      }
      if (n <= 0) {
        return out.toByteArray();
      }
      if (out.size() + n > maxBytes) {
        throw new IOException("/" + relative + " in rootfs " + rootfs + " is larger than "
            + maxBytes + " bytes; refusing to read it");
      }
      out.write(buf, 0, n);
    }
  }
}

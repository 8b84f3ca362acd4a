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
 * can never reach host files. The file is first reached with {@code O_PATH}, which opens
 * nothing, and only a regular file is then opened for reading (through that very descriptor,
 * so it cannot be swapped meanwhile): a link to a device node or a fifo of the image is
 * refused without being opened, since opening some devices acts (a watchdog arms, a tape
 * rewinds) and opening a fifo can block. Reads stop at a cap, so a huge file cannot exhaust
 * the JVM.
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
      how.setLong(0, LibC.O_PATH | LibC.O_CLOEXEC);
      how.setLong(8, 0);
      how.setLong(16, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
      int pathFd;
      try {
        pathFd = (int) LibC.INSTANCE.syscall(LibC.SYS_OPENAT2, root, relative, how, 24L);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.ENOENT) {
          return Optional.empty();
        }
        throw new IOException("cannot open /" + relative + " in rootfs " + rootfs + ": "
            + Errno.describe(e), e);
      }
      try {
        // The descriptor's magic link names the file it holds, whatever its path now.
        Path held = Path.of("/proc/self/fd", Integer.toString(pathFd));
        if (!Files.isRegularFile(held)) {
          throw new IOException("/" + relative + " in rootfs " + rootfs
              + " is not a regular file");
        }
        int fd;
        try {
          fd = LibC.INSTANCE.open(held.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC
              | LibC.O_NOCTTY, 0);
        } catch (LastErrorException e) {
          throw new IOException("cannot open /" + relative + " in rootfs " + rootfs + ": "
              + Errno.describe(e), e);
        }
        try {
          return Optional.of(readCapped(fd, maxBytes, relative, rootfs));
        } finally {
          Fds.closeQuietly(fd);
        }
      } finally {
        Fds.closeQuietly(pathFd);
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

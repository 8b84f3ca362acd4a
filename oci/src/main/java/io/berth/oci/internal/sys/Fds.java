package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;

/** Small helpers around raw file descriptors. */
public final class Fds {
  private Fds() {}

  /** Closes {@code fd} if it is not negative, ignoring errors (the fd is gone either way). */
  public static void closeQuietly(int fd) {
    if (fd >= 0) {
      try {
        LibC.INSTANCE.close(fd);
      } catch (LastErrorException ignored) {
        // EINTR/EIO on close still release the descriptor on Linux.
      }
    }
  }

  /** Reads up to {@code buf.length} bytes, retrying after EINTR; -1 for EAGAIN on a non-blocking fd. */
  public static int read(int fd, byte[] buf) {
    while (true) {
      try {
        return (int) LibC.INSTANCE.read(fd, buf, buf.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.EINTR) {
          continue;
        }
        if (e.getErrorCode() == LibC.EAGAIN) {
          return -1;
        }
        throw e;
      }
    }
  }

  /** Writes all of {@code buf}, retrying after EINTR and short writes. */
  public static void writeFully(int fd, byte[] buf) {
    int off = 0;
    while (off < buf.length) {
      byte[] rest = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, buf.length);
      try {
        off += (int) LibC.INSTANCE.write(fd, rest, rest.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LibC.EINTR) {
          throw e;
        }
      }
    }
  }

  /** Moves {@code fd} to a number at least {@code min} (close-on-exec), closing the original. */
  public static int moveAtLeast(int fd, int min) {
    if (fd >= min) {
      return fd;
    }
    int moved = LibC.INSTANCE.fcntl(fd, LibC.F_DUPFD_CLOEXEC, min);
    closeQuietly(fd);
    return moved;
  }

  public static void setNonBlocking(int fd) {
    int flags = LibC.INSTANCE.fcntl(fd, LibC.F_GETFL, 0);
    LibC.INSTANCE.fcntl(fd, LibC.F_SETFL, flags | LibC.O_NONBLOCK);
  }
}

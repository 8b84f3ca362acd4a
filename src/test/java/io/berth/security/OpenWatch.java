package io.berth.security;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;

/**
 * Tells whether anything opened a file (a fifo, a device node) since the watch began, through
 * inotify's {@code IN_OPEN}, which the kernel queues during open(2) itself: once the call that
 * might have opened the file has returned, {@link #opened()} knows, with no waiting. Opens
 * with {@code O_PATH} (which never reach the device or fifo) are not reported. Not
 * thread-safe; close it.
 */
final class OpenWatch implements AutoCloseable {
  private static final int IN_OPEN = 0x20;
  private static final int IN_NONBLOCK = 0x800;
  private static final int IN_CLOEXEC = 0x80000;
  private static final int EAGAIN = 11;

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int inotify_init1(int flags) throws LastErrorException;

    int inotify_add_watch(int fd, String path, int mask) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  private final int fd;
  private final Path file;

  private OpenWatch(int fd, Path file) {
    this.fd = fd;
    this.file = file;
  }

  static OpenWatch on(Path file) {
    int fd = LibC.INSTANCE.inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    try {
      LibC.INSTANCE.inotify_add_watch(fd, file.toString(), IN_OPEN);
    } catch (LastErrorException e) {
      LibC.INSTANCE.close(fd);
      throw e;
    }
    return new OpenWatch(fd, file);
  }

  /** True if {@link #file} was opened (other than with O_PATH) since the watch began. */
  boolean opened() {
    try {
      return LibC.INSTANCE.read(fd, new byte[4096], 4096) > 0;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == EAGAIN) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void close() {
    LibC.INSTANCE.close(fd);
  }

  @Override
  public String toString() {
    return "OpenWatch[" + file + "]";
  }
}

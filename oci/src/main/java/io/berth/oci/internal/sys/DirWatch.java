package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An inotify watch on one directory for files appearing or changing in it, used to wait for
 * exit files and log growth without polling the file system. Not thread-safe; close it.
 */
public final class DirWatch implements AutoCloseable {
  /** A file created, finished writing, renamed into place or appended to. */
  public static final int CHANGES = LibC.IN_CREATE | LibC.IN_CLOSE_WRITE | LibC.IN_MOVED_TO
      | LibC.IN_MODIFY;

  private final int fd;
  private final byte[] drainBuffer = new byte[4096];

  private DirWatch(int fd) {
    this.fd = fd;
  }

  /** Starts watching {@code dir} for {@code mask} events (see {@link #CHANGES}). */
  public static DirWatch open(Path dir, int mask) throws IOException {
    return open(mask, dir);
  }

  /** Starts watching every one of {@code dirs} for {@code mask} events. */
  public static DirWatch open(int mask, Path... dirs) throws IOException {
    int fd;
    try {
      fd = LibC.INSTANCE.inotify_init1(LibC.IN_NONBLOCK | LibC.IN_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IOException("inotify_init1 failed: " + Errno.describe(e), e);
    }
    for (Path dir : dirs) {
      try {
        LibC.INSTANCE.inotify_add_watch(fd, dir.toString(), mask);
      } catch (LastErrorException e) {
        Fds.closeQuietly(fd);
        throw new IOException("cannot watch " + dir + ": " + Errno.describe(e), e);
      }
    }
    return new DirWatch(fd);
  }

  /** The inotify descriptor, for polling together with other descriptors. */
  public int fd() {
    return fd;
  }

  /**
   * Waits until something changed in the directory, or {@code extraFd} (if not negative)
   * becomes readable, or the timeout passes. Pending events are consumed.
   *
   * @return whether {@code extraFd} became readable
   */
  public boolean await(Duration timeout, int extraFd) {
    boolean[] ready = extraFd >= 0 ? Poll.awaitReadable(timeout, fd, extraFd)
        : Poll.awaitReadable(timeout, fd);
    drain();
    return extraFd >= 0 && ready[1];
  }

  /** Consumes pending events; callers re-check the files themselves. */
  public void drain() {
    while (Fds.read(fd, drainBuffer) > 0) {
      // Keep reading until EAGAIN.
    }
  }

  @Override
  public void close() {
    Fds.closeQuietly(fd);
  }
}

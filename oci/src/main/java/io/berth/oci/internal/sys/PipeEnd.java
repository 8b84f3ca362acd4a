package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.lang.ref.Cleaner;

/**
 * One non-blocking end of a pipe behind a stream: reads and writes block in an
 * {@link InterruptiblePoll}, so closing the stream from another thread wakes them, and the
 * descriptor is closed only when none of them is still using it. A stream dropped without
 * {@code close} has its descriptor closed when it is collected.
 *
 * <p>Thread-safe; callers serialise reads (and writes) themselves if they share a buffer.
 */
final class PipeEnd {
  private static final Cleaner CLEANER = Cleaner.create();

  private final int fd;
  private final InterruptiblePoll poll;
  private final Cleaner.Cleanable cleanable;

  /** Takes over {@code fd}; {@code owner} is the stream whose collection closes it. */
  PipeEnd(Object owner, int fd) {
    this.fd = fd;
    InterruptiblePoll p;
    try {
      p = new InterruptiblePoll(() -> Fds.closeQuietly(fd));
    } catch (RuntimeException e) {
      Fds.closeQuietly(fd);
      throw e;
    }
    this.poll = p;
    this.cleanable = CLEANER.register(owner, () -> closeQuietly(p));
  }

  /** Reads up to {@code count} bytes into {@code buf}, waiting for some; -1 at end-of-file. */
  int read(Memory buf, int count) throws IOException {
    poll.enter();
    try {
      while (true) {
        try {
          long n = LibC.INSTANCE.read(fd, buf, count);
          return n == 0 ? -1 : (int) n;
        } catch (LastErrorException e) {
          if (e.getErrorCode() == LibC.EAGAIN) {
            poll.await(null, new int[] {fd}, new short[] {LibC.POLLIN});
          } else if (e.getErrorCode() != LibC.EINTR) {
            throw new IOException("cannot read from the pipe: " + Errno.describe(e), e);
          }
        }
      }
    } finally {
      poll.leave();
    }
  }

  /** Writes 1 to {@code count} bytes of {@code buf}, waiting for room; returns how many. */
  int write(Memory buf, int count) throws IOException {
    poll.enter();
    try {
      while (true) {
        try {
          return (int) LibC.INSTANCE.write(fd, buf, count);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == LibC.EAGAIN) {
            poll.await(null, new int[] {fd}, new short[] {LibC.POLLOUT});
          } else if (e.getErrorCode() == LibC.EPIPE) {
            throw new IOException("the process closed its end of the pipe: "
                + Errno.describe(e), e);
          } else if (e.getErrorCode() != LibC.EINTR) {
            throw new IOException("cannot write to the pipe: " + Errno.describe(e), e);
          }
        }
      }
    } finally {
      poll.leave();
    }
  }

  /** Closes the descriptor, at once or when the last blocked call has been woken. */
  void close() {
    cleanable.clean();
  }

  private static void closeQuietly(InterruptiblePoll poll) {
    try {
      poll.close();
    } catch (IOException ignored) {
      // Closing wakes and releases; there is nothing that can fail here.
    }
  }
}

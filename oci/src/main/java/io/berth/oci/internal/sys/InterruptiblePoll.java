package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.spi.AbstractInterruptibleChannel;
import java.time.Duration;

/**
 * poll(2) that {@link #close()} and {@link Thread#interrupt()} can end, as they end a blocked
 * JDK channel operation: a thread blocked in {@link #await} then gets
 * {@link AsynchronousCloseException} or {@link ClosedByInterruptException} (an eventfd in every
 * poll set is what wakes it).
 *
 * <p>It also guards descriptors that threads block on while another thread may close them:
 * work on them between {@link #enter()} and {@link #leave()}, and the {@code release} action
 * given at construction (which closes them) runs only after close and once no thread is
 * inside, so a blocked call never finds its descriptor number reused by another file.
 *
 * <p>Thread-safe.
 */
public final class InterruptiblePoll extends AbstractInterruptibleChannel {
  private final int wakeFd;
  private final Runnable release;
  /** Threads between enter and leave; guarded by this. */
  private int inside;
  private boolean released;

  /** @param release closes what this guards; runs once, on the thread that leaves last */
  public InterruptiblePoll(Runnable release) {
    try {
      this.wakeFd = LibC.INSTANCE.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK);
    } catch (LastErrorException e) {
      throw new IllegalStateException("eventfd failed: " + Errno.describe(e), e);
    }
    this.release = release;
  }

  /**
   * Marks the calling thread as using the guarded descriptors until {@link #leave()}.
   *
   * @throws ClosedChannelException if this was closed
   */
  public void enter() throws ClosedChannelException {
    synchronized (this) {
      if (isOpen()) {
        inside++;
        return;
      }
    }
    throw new ClosedChannelException();
  }

  public void leave() {
    synchronized (this) {
      inside--;
      if (isOpen() || inside > 0 || released) {
        return;
      }
      released = true;
    }
    releaseNow();
  }

  /**
   * Waits until one of {@code fds} has one of its {@code events} (or an error or hang-up), or
   * {@code timeout} passes (null: no limit).
   *
   * @return for each fd whether it is ready; all false on timeout
   * @throws ClosedByInterruptException if the thread was interrupted (this is then closed)
   * @throws AsynchronousCloseException if another thread closed this meanwhile
   * @throws ClosedChannelException if this was closed before
   */
  public boolean[] await(Duration timeout, int[] fds, short[] events) throws IOException {
    int n = fds.length;
    Memory pollfds = new Memory(8L * (n + 1));
    for (int i = 0; i < n; i++) {
      pollfds.setInt(8L * i, fds[i]);
      pollfds.setShort(8L * i + 4, events[i]);
    }
    pollfds.setInt(8L * n, wakeFd);
    pollfds.setShort(8L * n + 4, LibC.POLLIN);
    long deadline = timeout == null ? Long.MAX_VALUE
        : System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    enter();
    boolean woken = true;
    try {
      begin();
      while (true) {
        for (int i = 0; i <= n; i++) {
          pollfds.setShort(8L * i + 6, (short) 0);
        }
        int millis = -1;
        if (deadline != Long.MAX_VALUE) {
          long left = deadline - System.nanoTime();
          // Round up so a sub-millisecond remainder still waits instead of spinning.
          millis = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
        }
        try {
          LibC.INSTANCE.poll(pollfds, n + 1, millis);
        } catch (LastErrorException e) {
          if (e.getErrorCode() == LibC.EINTR) {
            continue;
          }
          throw new IOException("poll failed: " + Errno.describe(e), e);
        }
        woken = pollfds.getShort(8L * n + 6) != 0;
        boolean[] ready = new boolean[n];
        for (int i = 0; i < n; i++) {
          ready[i] = pollfds.getShort(8L * i + 6) != 0;
        }
        return ready;
      }
    } finally {
      try {
        end(!woken);
      } finally {
        leave();
      }
    }
  }

  @Override
  protected void implCloseChannel() {
    // Wakes every thread in poll; the eventfd stays readable, so later polls return at once.
    Fds.writeFully(wakeFd, new byte[] {1, 0, 0, 0, 0, 0, 0, 0});
    synchronized (this) {
      if (inside > 0 || released) {
        return;
      }
      released = true;
    }
    releaseNow();
  }

  private void releaseNow() {
    try {
      release.run();
    } finally {
      Fds.closeQuietly(wakeFd);
    }
  }
}

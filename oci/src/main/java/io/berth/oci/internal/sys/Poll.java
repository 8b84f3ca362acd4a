package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.time.Duration;

/** poll(2) on a few descriptors with a deadline, restarting after EINTR. */
public final class Poll {
  private Poll() {}

  /**
   * Waits until one of {@code fds} is readable (or hung up), or {@code timeout} passes.
   * A null or negative timeout waits forever.
   *
   * @return for each fd whether it is ready; all false on timeout
   */
  public static boolean[] awaitReadable(Duration timeout, int... fds) {
    Memory pollfds = new Memory(8L * fds.length);
    long deadline = timeout == null || timeout.isNegative() ? Long.MAX_VALUE
        : System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    while (true) {
      for (int i = 0; i < fds.length; i++) {
        pollfds.setInt(8L * i, fds[i]);
        pollfds.setShort(8L * i + 4, LibC.POLLIN);
        pollfds.setShort(8L * i + 6, (short) 0);
      }
      int millis;
      if (deadline == Long.MAX_VALUE) {
        millis = -1;
      } else {
        long left = deadline - System.nanoTime();
        // Round up so a sub-millisecond remainder still waits instead of spinning.
        millis = left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
      }
      int n;
      try {
        n = LibC.INSTANCE.poll(pollfds, fds.length, millis);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibC.EINTR) {
          continue;
        }
        throw new IllegalStateException("poll failed: " + Errno.describe(e), e);
      }
      boolean[] ready = new boolean[fds.length];
      if (n > 0) {
        for (int i = 0; i < fds.length; i++) {
          ready[i] = pollfds.getShort(8L * i + 6) != 0;
        }
      }
      return ready;
    }
  }
}

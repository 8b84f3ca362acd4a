package io.berth.oci.internal.sys;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.berth.oci.HostProcess;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * Process handles that cannot be confused by pid reuse (pidfd_open, Linux 5.3+). A pidfd is
 * opened, then the start time of the pid is checked: if it matches, the pidfd is known to refer
 * to the expected process for as long as it stays open.
 */
public final class Pidfd {
  private Pidfd() {}

  /** A pidfd for {@code process} if it is still that process; the caller closes it. */
  public static OptionalInt open(HostProcess process) {
    int fd;
    try {
      fd = (int) LibC.INSTANCE.syscall(LibC.SYS_PIDFD_OPEN, process.pid(), 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.ESRCH) {
        return OptionalInt.empty();
      }
      throw new IllegalStateException("pidfd_open(" + process.pid() + ") failed: "
          + Errno.describe(e), e);
    }
    if (!process.isAlive()) {
      Fds.closeQuietly(fd);
      return OptionalInt.empty();
    }
    return OptionalInt.of(fd);
  }

  /** Sends {@code signal} through a pidfd; false if the process is gone or not the same one. */
  public static boolean signalIfSame(HostProcess process, int signal) {
    OptionalInt fd = open(process);
    if (fd.isEmpty()) {
      return false;
    }
    try {
      LibC.INSTANCE.syscall(LibC.SYS_PIDFD_SEND_SIGNAL, fd.getAsInt(), signal, Pointer.NULL, 0);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LibC.ESRCH) {
        return false;
      }
      throw new IllegalStateException("pidfd_send_signal(" + process.pid() + ", " + signal
          + ") failed: " + Errno.describe(e), e);
    } finally {
      Fds.closeQuietly(fd.getAsInt());
    }
  }

  /** Waits until {@code process} exits; true if it did (or was gone) within the timeout. */
  public static boolean awaitExit(HostProcess process, Duration timeout) {
    OptionalInt fd = open(process);
    if (fd.isEmpty()) {
      return true;
    }
    try {
      return Poll.awaitReadable(timeout, fd.getAsInt())[0];
    } finally {
      Fds.closeQuietly(fd.getAsInt());
    }
  }
}

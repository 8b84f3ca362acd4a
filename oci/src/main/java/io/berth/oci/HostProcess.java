package io.berth.oci;

import io.berth.oci.internal.sys.ProcStat;
import io.berth.oci.internal.sys.Pidfd;
import java.time.Duration;
import java.util.Optional;

/**
 * A process on the host, identified by its pid <em>and</em> its start time, so a pid the kernel
 * has since handed to another process is never mistaken for it. Berth records this for conmon
 * and for each container's init process and checks it before every signal.
 *
 * <p>Immutable and safe to share between threads. Every check reads {@code /proc/<pid>/stat}
 * once; nothing is cached.
 *
 * @param pid the process id
 * @param startTime the process's start time in clock ticks after boot (field 22 of
 *     {@code /proc/<pid>/stat}); stable for the life of the process and different for a
 *     process that later reuses the pid
 */
public record HostProcess(int pid, long startTime) {

  public HostProcess {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive: " + pid);
    }
  }

  /** The process that has {@code pid} now, if one exists and has not exited (zombies count as exited). */
  public static Optional<HostProcess> of(int pid) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcStat.read(pid).filter(s -> !s.zombie())
        .map(s -> new HostProcess(pid, s.startTime()));
  }

  /** Whether this very process (same pid, same start time) is still running. */
  public boolean isAlive() {
    return ProcStat.read(pid).filter(s -> !s.zombie() && s.startTime() == startTime).isPresent();
  }

  /**
   * Sends {@code signal} to this process if it is still the same process. Uses a pidfd, so the
   * check and the signal cannot race with the pid being reused.
   *
   * @return false if the process is gone or its pid now belongs to another process
   */
  public boolean signal(int signal) {
    return Pidfd.signalIfSame(this, signal);
  }

  /**
   * Waits until this process has exited, without polling /proc in a loop (a pidfd is polled).
   *
   * @return true if it exited (or was already gone) within {@code timeout}
   */
  public boolean awaitExit(Duration timeout) {
    return Pidfd.awaitExit(this, timeout);
  }
}

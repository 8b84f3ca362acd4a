package io.berth.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Stops a running container the way podman does: the stop signal, up to {@code timeout} for
 * the process to exit, then SIGKILL to every process of the container, then conmon's exit
 * file. A zero timeout sends SIGKILL at once.
 *
 * <p>Stateless and thread-safe; blocks the calling thread without spinning.
 */
public final class ContainerStop {
  /** How long to wait for the exit file after SIGKILL before giving up. */
  public static final Duration KILL_GRACE = Duration.ofSeconds(30);

  private ContainerStop() {}

  /**
   * Stops container {@code id} and returns how it exited.
   *
   * @param signal the stop signal, e.g. {@link Signals#SIGTERM}
   * @param timeout how long the process may take to exit after the stop signal
   * @param conmon the container's conmon, from {@link CreatedContainer#conmon()}
   * @throws OciRuntimeException if the runtime fails to signal, or nothing exits within
   *     {@link #KILL_GRACE} after SIGKILL
   */
  public static ContainerExit stop(OciRuntime runtime, String id, int signal, Duration timeout,
      Path exitDir, Path runDir, HostProcess conmon) {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    Optional<ContainerExit> exit = ExitFiles.read(exitDir, runDir, id);
    if (exit.isPresent()) {
      return exit.get();
    }
    if (!timeout.isZero() && signal != Signals.SIGKILL) {
      signalUnlessExited(runtime, id, signal, false, exitDir, runDir);
      exit = ExitFiles.await(exitDir, runDir, id, conmon, timeout);
      if (exit.isPresent()) {
        return exit.get();
      }
    }
    signalUnlessExited(runtime, id, Signals.SIGKILL, true, exitDir, runDir);
    return ExitFiles.await(exitDir, runDir, id, conmon, KILL_GRACE)
        .orElseThrow(() -> new OciRuntimeException("container " + id
            + " did not exit within " + KILL_GRACE.toSeconds() + "s of SIGKILL", -1, "",
            java.util.List.of("kill", id, "KILL")));
  }

  /** Signals, tolerating the race where the container exits just before the runtime acts. */
  private static void signalUnlessExited(OciRuntime runtime, String id, int signal, boolean all,
      Path exitDir, Path runDir) {
    try {
      runtime.kill(id, signal, all);
    } catch (OciRuntimeException e) {
      Optional<OciState> state = runtime.state(id);
      boolean gone = state.isEmpty() || OciState.STOPPED.equals(state.get().status());
      if (!gone && ExitFiles.read(exitDir, runDir, id).isEmpty()) {
        throw e;
      }
    }
  }
}

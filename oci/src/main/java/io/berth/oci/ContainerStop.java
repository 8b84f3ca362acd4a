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
   * Stops container {@code id} and returns how it exited. If conmon is gone (killed), the
   * result has exit code {@link ContainerExit#UNKNOWN} and a reason, and the container's
   * processes are still killed and waited for.
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
    if (!conmon.isAlive()) {
      return stopWithoutConmon(runtime, id, signal, timeout, exitDir, runDir, conmon);
    }
    if (!timeout.isZero() && signal != Signals.SIGKILL) {
      signalUnlessExited(runtime, id, signal, false, exitDir, runDir);
      exit = ExitFiles.await(exitDir, runDir, id, conmon, timeout);
    }
    if (exit.isEmpty()) {
      signalUnlessExited(runtime, id, Signals.SIGKILL, true, exitDir, runDir);
      exit = ExitFiles.await(exitDir, runDir, id, conmon, KILL_GRACE);
    }
    ContainerExit result = exit.orElseThrow(() -> new OciRuntimeException("container " + id
        + " did not exit within " + KILL_GRACE.toSeconds() + "s of SIGKILL", -1, "",
        java.util.List.of("kill", id, "KILL")));
    if (!result.known()) {
      killWithoutConmon(runtime, id, exitDir, runDir);
    }
    return result;
  }

  /**
   * conmon is gone, so no exit file will come: stop the container by waiting on its init
   * process itself (pinned by its start time), and report the exit code as unknown.
   */
  private static ContainerExit stopWithoutConmon(OciRuntime runtime, String id, int signal,
      Duration timeout, Path exitDir, Path runDir, HostProcess conmon) {
    ContainerExit unknown = ExitFiles.read(exitDir, runDir, id).orElseGet(() ->
        io.berth.oci.internal.conmon.ExitFileReader.conmonGone(exitDir, runDir, id,
            conmon.pid()));
    Optional<OciState> state = runtime.state(id);
    if (state.isEmpty() || OciState.STOPPED.equals(state.get().status())) {
      return unknown;
    }
    Optional<HostProcess> init = HostProcess.of(state.get().pid());
    if (init.isEmpty()) {
      return unknown;
    }
    if (!timeout.isZero() && signal != Signals.SIGKILL) {
      signalUnlessExited(runtime, id, signal, false, exitDir, runDir);
      if (init.get().awaitExit(timeout)) {
        return unknown;
      }
    }
    killWithoutConmon(runtime, id, exitDir, runDir);
    return unknown;
  }

  /** Kills every process of a container whose conmon is gone and waits for its init. */
  private static void killWithoutConmon(OciRuntime runtime, String id, Path exitDir,
      Path runDir) {
    Optional<OciState> state = runtime.state(id);
    if (state.isEmpty() || OciState.STOPPED.equals(state.get().status())) {
      return;
    }
    Optional<HostProcess> init = HostProcess.of(state.get().pid());
    signalUnlessExited(runtime, id, Signals.SIGKILL, true, exitDir, runDir);
    if (init.isPresent() && !init.get().awaitExit(KILL_GRACE)) {
      throw new OciRuntimeException("container " + id + " (pid " + init.get().pid()
          + ") did not exit within " + KILL_GRACE.toSeconds() + "s of SIGKILL", -1, "",
          java.util.List.of("kill", id, "KILL"));
    }
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

package io.berth.oci;

import io.berth.oci.internal.conmon.ExitFileReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the files conmon leaves when a container's process ends: the exit file
 * {@code <exitDir>/<id>} (the exit code; its modification time is the finish time) and the
 * {@code oom} marker in the container's run directory (conmon's persist dir).
 *
 * <p>Stateless and thread-safe. {@link #await} blocks the calling thread on inotify and a
 * pidfd; it never spins.
 */
public final class ExitFiles {
  private ExitFiles() {}

  /**
   * The container's exit, if conmon has written it.
   *
   * @throws OciException if the exit file exists but does not hold a number
   */
  public static Optional<ContainerExit> read(Path exitDir, Path runDir, String id) {
    return ExitFileReader.read(exitDir, runDir, id);
  }

  /**
   * Waits up to {@code timeout} for the exit file. If conmon ({@code conmonPid}) exits without
   * writing it, returns exit code {@link ContainerExit#UNKNOWN} with a reason. Prefer
   * {@link #await(Path, Path, String, HostProcess, Duration)}, which also guards against the
   * pid having been reused.
   *
   * @return empty if the container is still running when {@code timeout} ends
   */
  public static Optional<ContainerExit> await(Path exitDir, Path runDir, String id,
      int conmonPid, Duration timeout) {
    Optional<HostProcess> conmon = HostProcess.of(conmonPid);
    if (conmon.isEmpty()) {
      return Optional.of(read(exitDir, runDir, id)
          .orElseGet(() -> ExitFileReader.conmonGone(exitDir, runDir, id, conmonPid)));
    }
    return await(exitDir, runDir, id, conmon.get(), timeout);
  }

  /**
   * Waits up to {@code timeout} for the exit file, watching the exit directory with inotify
   * and conmon with a pidfd. If conmon is gone (or its pid belongs to another process now)
   * without an exit file, returns exit code {@link ContainerExit#UNKNOWN} with a reason.
   *
   * @return empty if the container is still running when {@code timeout} ends
   */
  public static Optional<ContainerExit> await(Path exitDir, Path runDir, String id,
      HostProcess conmon, Duration timeout) {
    return ExitFileReader.await(exitDir, runDir, id, conmon, timeout);
  }
}

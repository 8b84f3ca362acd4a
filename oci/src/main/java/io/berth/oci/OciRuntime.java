package io.berth.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One OCI runtime (runc, crun, or any runc-compatible CLI) with its own state root. Create goes
 * through conmon, which keeps supervising the container after the JVM exits; every other
 * operation runs the runtime binary directly.
 *
 * <p>Implementations are thread-safe: any thread may call any method, and calls for different
 * containers run in parallel. Callers serialise operations on one container themselves (core
 * holds a per-container lock). There is nothing to close: no thread or file outlives a call,
 * except the processes of {@link #execStreaming} sessions, which the caller waits for or kills.
 *
 * <p>Every failure of the runtime becomes an {@link OciRuntimeException} carrying the runtime's
 * exit code, the command and the runtime's own error message.
 */
public interface OciRuntime {
  /** The runtime's name, the file name of its binary, e.g. {@code runc}. */
  String name();

  Path binary();

  /** The runtime's {@code --root} directory. */
  Path stateRoot();

  /** The first line of {@code <runtime> --version}. */
  String version();

  /**
   * The raw JSON of {@code <runtime> features}.
   *
   * @throws OciRuntimeException if the runtime does not support the command
   */
  String features();

  /**
   * Creates a container through conmon and returns once conmon reports the container's pid
   * (the process waits for {@link #start}).
   *
   * @throws OciRuntimeException with the runtime's message if create fails; nothing is left
   *     registered with the runtime then
   */
  CreatedContainer create(CreateRequest request);

  /** Starts a created container's process. */
  void start(String id);

  /** The runtime's view of the container; empty if the runtime does not know the id. */
  Optional<OciState> state(String id);

  /**
   * Sends {@code signal} to the container's init process, or with {@code all} to every process
   * in it.
   */
  void kill(String id, int signal, boolean all);

  /**
   * Removes the container from the runtime. With {@code force} a running container is killed
   * first. Deleting an id the runtime does not know is not an error.
   */
  void delete(String id, boolean force);

  /** Freezes every process of the container (cgroup freezer). */
  void pause(String id);

  /** Thaws a paused container. */
  void resume(String id);

  /**
   * Runs a process in a running container and waits for it, capturing stdout and stderr.
   * A missing command gives exit code 127, a non-executable one 126.
   *
   * @param timeout how long to wait; the process is killed when it runs longer
   * @throws OciRuntimeException if the runtime cannot exec for another reason (for example the
   *     container is not running), or the process outlived {@code timeout}
   */
  ExecResult exec(String id, ExecRequest request, Duration timeout);

  /**
   * Starts a process in a running container and returns at once with its streams. The caller
   * must read its stdout and stderr (or they fill up) and wait for or kill it.
   */
  ExecProcess execStreaming(String id, ExecRequest request);

  /** The exec sessions started through this object for {@code id} that are still running. */
  List<ExecProcess> execSessions(String id);
}

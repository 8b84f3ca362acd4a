package io.berth;

import io.berth.oci.LogLine;
import io.berth.storage.Image;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A handle on one container of a {@link Runtime}. Handles are cheap; many may exist for the
 * same container, in this JVM and in others, and may be used from any thread.
 *
 * <p>Every call locks the container (across threads and processes), re-reads its state, acts,
 * saves, and unlocks. Calls that wait for the process ({@link #stop()}, {@link #waitForExit()},
 * {@link #exec}) release the lock while they wait, so other callers can inspect the container.
 * Use {@link #batch} to run several calls under one lock and one state read.
 *
 * <p>Once the container is removed, every call on every handle throws
 * {@link ContainerRemovedException}. Calls in a state the operation does not allow throw
 * {@link ContainerStateException} naming the container and its state.
 */
public interface Container {
  /** The full id: 64 hex characters. */
  String id();

  String name();

  ContainerConfig config();

  /** The current state, after a sync with the runtime's exit files. */
  ContainerState state();

  /** Creates the container in the OCI runtime; allowed only when {@code CONFIGURED}. */
  void init();

  /**
   * Starts the process. A {@code CONFIGURED} container is initialised first; a {@code STOPPED}
   * or {@code EXITED} one is re-created in the runtime. Allowed from those states and
   * {@code CREATED}.
   */
  void start();

  /** Attaches before starting, so no output is lost, then starts as {@link #start()} does. */
  Attachment startAndAttach(AttachOptions options);

  /** Attaches to a {@code CREATED} or {@code RUNNING} container's streams. */
  Attachment attach(AttachOptions options);

  /** Sends the stop signal, waits the configured stop timeout, then SIGKILL. */
  void stop();

  /** As {@link #stop()} with the given timeout; zero sends SIGKILL at once. */
  void stop(Duration timeout);

  /** Sends {@code signal} (1..64) to the process; allowed only while {@code RUNNING}. */
  void kill(int signal);

  void pause();

  void unpause();

  /** Runs a process in the running container and waits for it; output is captured. */
  ExecResult exec(ExecConfig config);

  /**
   * As {@link #exec(ExecConfig)}, killing the process if it runs longer than {@code timeout}.
   *
   * @throws ExecTimeoutException if it was killed
   */
  ExecResult exec(ExecConfig config, Duration timeout);

  /** Mounts the root filesystem on the host (counted) and returns where. */
  Path mount();

  /** Undoes one {@link #mount()}; refused while running or paused, or with live exec sessions. */
  void unmount();

  /** Writes a tar of the whole root filesystem to {@code target}, atomically. */
  void export(Path target);

  /** Writes a tar of the whole root filesystem to {@code out}, which is not closed. */
  void export(OutputStream out);

  /** Stores a named blob with the container; names are plain file names. */
  void addArtifact(String name, byte[] data);

  /** @throws NoSuchArtifactException if there is no artifact of that name */
  byte[] artifact(String name);

  /** @throws NoSuchArtifactException if there is no artifact of that name */
  void removeArtifact(String name);

  /** A snapshot of everything known; {@code size} also measures the writable layer. */
  ContainerInspect inspect(boolean size);

  /** Makes an image of the image plus this container's changes. */
  Image commit(CommitOptions options);

  /** Blocks until the process has exited and returns its exit code. */
  int waitForExit();

  /** As {@link #waitForExit()}, empty if the process still runs after {@code timeout}. */
  OptionalInt waitForExit(Duration timeout);

  /** Everything the container wrote to stdout and stderr so far, from conmon's log. */
  List<LogLine> logs();

  /**
   * Frees what the runtime holds for a stopped container (runtime state, mounts) and moves it
   * to {@code EXITED}. Refused while running or paused, or with live exec sessions.
   */
  void cleanup();

  /**
   * Runs {@code fn} with the container locked and synced once. Calls on the handle {@code fn}
   * receives skip locking and syncing; {@link #sync()} on it forces a sync. Anything {@code fn}
   * throws is rethrown unchanged. {@link Runtime#removeContainer} is refused inside.
   *
   * @return what {@code fn} returns
   */
  <T> T batch(Function<Container, T> fn);

  /** Inside {@link #batch}, re-reads the container's state; elsewhere does nothing. */
  void sync();
}

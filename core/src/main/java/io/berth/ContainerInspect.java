package io.berth;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Everything known about a container at one moment: a snapshot, never updated.
 *
 * @param image the image as configured (name or id)
 * @param imageId the full id of that image
 * @param pid the container's main process, while it runs
 * @param exitCode the last exit code, once the process has exited
 * @param stateReason why the state is what it is, when that is not obvious (e.g. conmon died)
 * @param rootfsSize bytes in the container's writable layer, when asked for
 */
public record ContainerInspect(
    String id,
    String name,
    String image,
    String imageId,
    ContainerState state,
    OptionalInt pid,
    OptionalInt exitCode,
    boolean oomKilled,
    Optional<String> stateReason,
    Instant createdAt,
    Optional<Instant> startedAt,
    Optional<Instant> finishedAt,
    Optional<Path> mountpoint,
    ContainerConfig config,
    Path logPath,
    Path bundlePath,
    List<ExecSession> execSessions,
    OptionalLong rootfsSize,
    String ociRuntime,
    String storageDriver) {

  public ContainerInspect {
    execSessions = List.copyOf(execSessions);
  }
}

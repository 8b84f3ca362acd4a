package io.berth.oci;

import java.time.Instant;
import java.util.Optional;

/**
 * How a container's process ended.
 *
 * @param exitCode the exit status, 128+N when killed by signal N, or -1 when unknown
 * @param finishedAt when it ended (the exit file's modification time)
 * @param oomKilled whether conmon saw the kernel's OOM killer hit the container
 * @param reason why the exit code is unknown, when {@code exitCode} is -1
 */
public record ContainerExit(int exitCode, Instant finishedAt, boolean oomKilled,
    Optional<String> reason) {
  /** The exit code reported when conmon vanished without writing one. */
  public static final int UNKNOWN = -1;

  public ContainerExit {
    java.util.Objects.requireNonNull(finishedAt, "finishedAt");
    java.util.Objects.requireNonNull(reason, "reason");
  }

  /** Whether the exit code is known (conmon recorded it). */
  public boolean known() {
    return exitCode != UNKNOWN;
  }
}

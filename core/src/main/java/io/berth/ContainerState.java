package io.berth;

/**
 * Where a container is in its life. Transitions follow the reference design: {@code CONFIGURED}
 * (record and rootfs exist) → {@code CREATED} (the OCI runtime holds it) → {@code RUNNING} ⇄
 * {@code PAUSED} → {@code STOPPED} (the process exited; runtime state and mounts remain) →
 * {@code EXITED} (cleaned up). {@code STOPPING} is saved while a stop waits, {@code REMOVING}
 * while a removal is under way.
 */
public enum ContainerState {
  CONFIGURED,
  CREATED,
  RUNNING,
  PAUSED,
  STOPPING,
  STOPPED,
  EXITED,
  REMOVING,
  UNKNOWN;

  /** True when a container process may exist: created, running, paused or stopping. */
  public boolean isActive() {
    return this == CREATED || this == RUNNING || this == PAUSED || this == STOPPING;
  }

  /** True when the process has finished and an exit code is known. */
  public boolean hasExited() {
    return this == STOPPED || this == EXITED;
  }
}

package io.berth.internal;

import io.berth.ContainerState;
import java.time.Instant;

/**
 * The mutable part of a container's record, saved as the {@code state} JSON column. Fields are
 * read and written only by the thread holding the container's lock; {@link #copy()} gives a
 * batch or a snapshot its own instance.
 */
final class ContainerStatus {
  ContainerState state = ContainerState.CONFIGURED;
  /** The container's init process; 0 when none. */
  int pid;
  /** Its start time in clock ticks since boot, to tell it from a reused pid. */
  long pidStartTicks;
  int conmonPid;
  /** conmon's start time in clock ticks since boot, to tell it from a reused pid. */
  long conmonStartTicks;
  Integer exitCode;
  boolean oomKilled;
  /** Why the state is what it is, when that is not plain (conmon died, refreshed after reboot). */
  String reason;
  String startedAt;
  String finishedAt;
  /** Where the rootfs is mounted while the runtime or a user holds a mount. */
  String mountpoint;
  /** True while the container's own (init) mount is held. */
  boolean rootfsMounted;
  /** Mounts taken through {@code Container.mount()} and not yet released. */
  int userMounts;

  ContainerStatus copy() {
    ContainerStatus c = new ContainerStatus();
    c.state = state;
    c.pid = pid;
    c.pidStartTicks = pidStartTicks;
    c.conmonPid = conmonPid;
    c.conmonStartTicks = conmonStartTicks;
    c.exitCode = exitCode;
    c.oomKilled = oomKilled;
    c.reason = reason;
    c.startedAt = startedAt;
    c.finishedAt = finishedAt;
    c.mountpoint = mountpoint;
    c.rootfsMounted = rootfsMounted;
    c.userMounts = userMounts;
    return c;
  }

  /** Records the end of the process; the pids no longer mean anything. */
  void exited(int code, Instant finished, boolean oom, String why) {
    state = ContainerState.STOPPED;
    exitCode = code;
    // File times come from the kernel's coarse clock and can read a few ms before the start
    // we took from a precise one; an exit never precedes its start.
    Instant start = startedAt == null ? null : Instant.parse(startedAt);
    finishedAt = (start != null && finished.isBefore(start) ? start : finished).toString();
    oomKilled = oom;
    reason = why;
    clearProcesses();
  }

  /** Forgets the container's and conmon's processes: they are gone, or are not ours to track. */
  void clearProcesses() {
    pid = 0;
    pidStartTicks = 0;
    conmonPid = 0;
    conmonStartTicks = 0;
  }
}

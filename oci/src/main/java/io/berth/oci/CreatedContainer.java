package io.berth.oci;

import java.nio.file.Path;

/**
 * A container the runtime has created (not yet started), supervised by conmon.
 *
 * @param process the container's init process on the host
 * @param conmon the conmon process supervising it; it outlives the JVM
 * @param attachSocket conmon's attach socket, for {@link AttachSession#connect}
 */
public record CreatedContainer(HostProcess process, HostProcess conmon, Path attachSocket) {
  /** The container's init pid on the host. */
  public int pid() {
    return process.pid();
  }

  /** conmon's pid. */
  public int conmonPid() {
    return conmon.pid();
  }

  /** conmon's start time in clock ticks after boot (see {@link HostProcess#startTime()}). */
  public long conmonStartTime() {
    return conmon.startTime();
  }
}

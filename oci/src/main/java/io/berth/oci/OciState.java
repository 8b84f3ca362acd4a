package io.berth.oci;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the OCI runtime reports for a container ({@code <runtime> state <id>}).
 *
 * @param id the container id
 * @param status {@code creating}, {@code created}, {@code running}, {@code paused} or
 *     {@code stopped}
 * @param pid the container's init process on the host; 0 once stopped
 * @param bundle the bundle directory the container was created from
 * @param created when the runtime created it, if reported
 * @param annotations the bundle's annotations
 */
public record OciState(String id, String status, int pid, Path bundle,
    Optional<Instant> created, Map<String, String> annotations) {
  public static final String CREATED = "created";
  public static final String RUNNING = "running";
  public static final String PAUSED = "paused";
  public static final String STOPPED = "stopped";

  public OciState {
    annotations = Map.copyOf(annotations);
  }

  public boolean isRunning() {
    return RUNNING.equals(status);
  }

  public boolean isPaused() {
    return PAUSED.equals(status);
  }
}

package io.berth;

import java.util.Optional;

/**
 * The OCI runtime (runc, crun, ...) or conmon failed. Carries the runtime's exit code and the
 * tail of what it printed, so the cause can be read without re-running anything.
 */
public class OciRuntimeException extends ContainerException {
  private static final long serialVersionUID = 1L;

  private final Integer runtimeExitCode;
  private final String runtimeStderr;

  public OciRuntimeException(String containerId, ContainerState state, String message,
      Integer runtimeExitCode, String runtimeStderr, Throwable cause) {
    super(containerId, state, message, cause);
    this.runtimeExitCode = runtimeExitCode;
    this.runtimeStderr = runtimeStderr == null ? "" : runtimeStderr;
  }

  /** The runtime's exit code, when a runtime process ran and failed. */
  public Optional<Integer> runtimeExitCode() {
    return Optional.ofNullable(runtimeExitCode);
  }

  /** The tail of the runtime's error output (stderr or its JSON log); may be empty. */
  public String runtimeStderr() {
    return runtimeStderr;
  }
}

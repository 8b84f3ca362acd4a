package io.berth.oci;

import java.util.List;

/**
 * An OCI runtime (or conmon on its behalf) failed. Carries the runtime's exit code, the command
 * that was run and the end of what the runtime said (its {@code --log} error, else stderr).
 */
public class OciRuntimeException extends OciException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;
  private final String stderrTail;
  private final List<String> command;

  public OciRuntimeException(String message, int exitCode, String stderrTail,
      List<String> command) {
    super(message);
    this.exitCode = exitCode;
    this.stderrTail = stderrTail == null ? "" : stderrTail;
    this.command = List.copyOf(command);
  }

  /** The runtime's exit code; -1 if it could not be started or was killed. */
  public int exitCode() {
    return exitCode;
  }

  /** The runtime's own error message, or the tail of its stderr; may be empty. */
  public String stderrTail() {
    return stderrTail;
  }

  /** The command line that failed. */
  public List<String> command() {
    return command;
  }
}

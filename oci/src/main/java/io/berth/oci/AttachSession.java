package io.berth.oci;

import io.berth.oci.internal.conmon.AttachConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A connection to conmon's attach socket: the container's stdout and stderr arrive separately
 * as they are written, and stdin (if the container keeps it open) is forwarded. Connect after
 * {@link OciRuntime#create} and before {@link OciRuntime#start} to see all output.
 *
 * <p>The session runs one daemon thread for output and, with stdin, one for input. Thread-safe;
 * {@link #close()} ends it from any thread.
 */
public final class AttachSession implements AutoCloseable {
  private final AttachConnection connection;

  private AttachSession(AttachConnection connection) {
    this.connection = connection;
  }

  /**
   * Connects to the attach socket at {@code attachSocket} (see
   * {@link CreatedContainer#attachSocket()}); paths longer than a socket address allows work.
   *
   * @throws OciException if the socket does not exist or refuses the connection (conmon gone)
   */
  public static AttachSession connect(Path attachSocket, AttachOptions options) {
    Objects.requireNonNull(attachSocket, "attachSocket");
    Objects.requireNonNull(options, "options");
    return new AttachSession(AttachConnection.open(attachSocket, options));
  }

  /** Waits until the session ends: output closed, detached, or closed. */
  public AttachEnd awaitEnd() {
    return connection.awaitEnd();
  }

  /** Waits at most {@code timeout}; empty if the session is still going. */
  public Optional<AttachEnd> awaitEnd(Duration timeout) {
    return connection.awaitEnd(timeout);
  }

  /** Closes our side of stdin: the container reads end-of-file. */
  public void closeStdin() {
    connection.closeStdin();
  }

  /** Ends the session; the container keeps running. */
  @Override
  public void close() {
    connection.close();
  }
}

package io.berth.oci;

import java.time.Duration;

/**
 * A running {@link ContainerLogs#follow} session. The sink is called on the follower's own
 * thread, one record at a time. Thread-safe; {@link #close()} stops it and may be called from
 * any thread, also from inside the sink.
 */
public interface LogFollower extends AutoCloseable {
  /**
   * Waits until the follower has ended (exit file seen and log drained, or closed).
   *
   * @return true if it ended within {@code timeout}
   * @throws OciException if following failed (the log could not be read)
   */
  boolean awaitEnd(Duration timeout);

  /** Stops following; returns once the follower thread has stopped. */
  @Override
  void close();
}

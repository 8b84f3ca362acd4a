package io.berth;

import java.time.Duration;

/**
 * A live attachment to a container's streams, returned by {@code attach} and
 * {@code startAndAttach}. A Berth thread copies output to the caller's streams until the
 * container's output ends or the caller detaches. Close it (or detach) from any thread; closing
 * never stops the container.
 */
public interface Attachment extends AutoCloseable {
  /** Blocks until all output has been delivered (the container exited) or it was detached. */
  void await() throws InterruptedException;

  /** As {@link #await()}, giving up after {@code timeout}; true if it finished. */
  boolean await(Duration timeout) throws InterruptedException;

  /** True if it ended because of the detach keys or {@link #close()}, not the container's exit. */
  boolean detached();

  /** Detaches; the container keeps running. Idempotent. */
  @Override
  void close();
}

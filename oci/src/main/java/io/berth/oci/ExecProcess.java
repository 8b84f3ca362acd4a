package io.berth.oci;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

/**
 * A process started in a container by {@link OciRuntime#execStreaming}. Its stdout and stderr
 * must be read (or they fill up and the process blocks).
 *
 * <p>Thread-safe: one thread may read stdout while another reads stderr and a third waits or
 * kills. {@link #close()} kills the process if it still runs and releases its files.
 */
public interface ExecProcess extends AutoCloseable {
  /** A Berth-generated id for this session, unique within the JVM. */
  String id();

  /** The container this process runs in. */
  String containerId();

  /**
   * The process's pid on the host, once the runtime has started it (waits for that).
   *
   * @throws OciRuntimeException if the runtime failed before starting the process
   */
  int pid();

  /** Writes to the process's stdin; close it to send end-of-file. */
  OutputStream stdin();

  InputStream stdout();

  InputStream stderr();

  /** Waits for the process to end and returns its exit code (126/127 as for exec). */
  int waitFor();

  /** Waits at most {@code timeout}; empty if the process is still running. */
  OptionalInt waitFor(Duration timeout);

  boolean isAlive();

  /** Sends {@code signal} to the process, if it still runs. */
  void kill(int signal);

  /** Kills the process (SIGKILL) if it still runs and waits for it. */
  @Override
  void close();
}

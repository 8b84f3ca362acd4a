package io.berth.oci;

import io.berth.oci.internal.conmon.K8sFileLog;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads conmon's k8s-file log: one record per line, {@code <RFC3339 time> <stdout|stderr>
 * <P|F> <text>}, where {@code P} marks a line the process had not finished yet.
 *
 * <p>Stateless and thread-safe. Followers run on their own daemon thread each; close them.
 */
public final class ContainerLogs {
  private ContainerLogs() {}

  /**
   * Every record in the log, in order; an empty list if the file does not exist yet.
   *
   * @throws OciException if the file cannot be read
   */
  public static List<LogLine> read(Path logFile) {
    return K8sFileLog.readAll(logFile);
  }

  /**
   * Delivers every record already in the log to {@code sink}, then each new one as conmon
   * writes it, until {@link LogFollower#close()}. Waits on inotify; never spins.
   */
  public static LogFollower follow(Path logFile, Consumer<LogLine> sink) {
    return K8sFileLog.follow(logFile, sink, null);
  }

  /**
   * As {@link #follow(Path, Consumer)}, but ends by itself once {@code exitFile} exists and
   * everything written before it has been delivered (conmon writes the exit file after the
   * last output).
   */
  public static LogFollower follow(Path logFile, Consumer<LogLine> sink, Path exitFile) {
    return K8sFileLog.follow(logFile, sink, exitFile);
  }
}

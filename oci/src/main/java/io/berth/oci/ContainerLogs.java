package io.berth.oci;

import io.berth.oci.internal.conmon.K8sFileLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
   * The log as whole lines: each partial record is joined with the records of the same stream
   * that continue it. A line still unfinished at the end of the log stays partial.
   */
  public static List<LogLine> readLines(Path logFile) {
    List<LogLine> lines = new ArrayList<>();
    Consumer<LogLine> joiner = joiningLines(lines::add);
    read(logFile).forEach(joiner);
    flushPartials(joiner);
    return lines;
  }

  /**
   * Wraps {@code sink} so that it receives whole lines: partial records ({@code P}) are held
   * per stream and joined with what follows, carrying the time of their first part. Use it
   * with {@link #follow}. Not thread-safe (a follower calls its sink from one thread).
   */
  public static Consumer<LogLine> joiningLines(Consumer<LogLine> sink) {
    return new LineJoiner(sink);
  }

  private static void flushPartials(Consumer<LogLine> joiner) {
    ((LineJoiner) joiner).flush();
  }

  private static final class LineJoiner implements Consumer<LogLine> {
    private final Consumer<LogLine> sink;
    private final Map<LogStream, LogLine> pending = new EnumMap<>(LogStream.class);

    LineJoiner(Consumer<LogLine> sink) {
      this.sink = sink;
    }

    @Override
    public void accept(LogLine record) {
      LogLine before = pending.remove(record.stream());
      LogLine joined = before == null ? record : new LogLine(before.time(), record.stream(),
          before.text() + record.text(), record.partial());
      if (joined.partial()) {
        pending.put(record.stream(), joined);
      } else {
        sink.accept(joined);
      }
    }

    void flush() {
      pending.values().forEach(sink);
      pending.clear();
    }
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

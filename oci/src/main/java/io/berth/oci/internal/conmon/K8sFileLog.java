package io.berth.oci.internal.conmon;

import io.berth.oci.LogFollower;
import io.berth.oci.LogLine;
import io.berth.oci.LogStream;
import io.berth.oci.OciException;
import io.berth.oci.internal.sys.DirWatch;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.Spawn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * conmon's k8s-file log: {@code <RFC3339Nano time> <stdout|stderr> <P|F> <text>\n} per record.
 * A record without its final newline is still being written and is not read yet.
 */
public final class K8sFileLog {
  private K8sFileLog() {}

  /** Parses one record line (without its newline); empty if it is not a k8s-file record. */
  static Optional<LogLine> parse(String line) {
    int s1 = line.indexOf(' ');
    int s2 = s1 < 0 ? -1 : line.indexOf(' ', s1 + 1);
    int s3 = s2 < 0 ? -1 : line.indexOf(' ', s2 + 1);
    if (s2 < 0) {
      return Optional.empty();
    }
    LogStream stream;
    switch (line.substring(s1 + 1, s2)) {
      case "stdout" -> stream = LogStream.STDOUT;
      case "stderr" -> stream = LogStream.STDERR;
      default -> {
        return Optional.empty();
      }
    }
    String tag = s3 < 0 ? line.substring(s2 + 1) : line.substring(s2 + 1, s3);
    if (!tag.equals("P") && !tag.equals("F")) {
      return Optional.empty();
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(line.substring(0, s1)).toInstant();
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
    String text = s3 < 0 ? "" : line.substring(s3 + 1);
    return Optional.of(new LogLine(time, stream, text, tag.equals("P")));
  }

  public static List<LogLine> readAll(Path logFile) {
    List<LogLine> lines = new ArrayList<>();
    try (Reader reader = new Reader(logFile)) {
      reader.readNew(lines::add);
    } catch (IOException e) {
      throw new OciException("cannot read container log " + logFile + ": " + e, e);
    }
    return lines;
  }

  public static LogFollower follow(Path logFile, Consumer<LogLine> sink, Path exitFile) {
    Follower f = new Follower(logFile.toAbsolutePath(), sink,
        exitFile == null ? null : exitFile.toAbsolutePath());
    f.start();
    return f;
  }

  /** Reads complete records incrementally from where it stopped last time. */
  private static final class Reader implements AutoCloseable {
    private final Path file;
    private SeekableByteChannel channel;
    private long position;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

    Reader(Path file) {
      this.file = file;
    }

    /** Delivers every complete record written since the last call. */
    void readNew(Consumer<LogLine> sink) throws IOException {
      if (channel == null) {
        try {
          channel = Files.newByteChannel(file);
        } catch (NoSuchFileException e) {
          return;
        }
      }
      if (channel.size() < position) {
        // Truncated under us: start over.
        position = 0;
        pending.reset();
      }
      channel.position(position);
      while (true) {
        buffer.clear();
        int n = channel.read(buffer);
        if (n <= 0) {
          return;
        }
        position += n;
        byte[] bytes = buffer.array();
        int start = 0;
        for (int i = 0; i < n; i++) {
          if (bytes[i] == '\n') {
            pending.write(bytes, start, i - start);
            parse(pending.toString(StandardCharsets.UTF_8)).ifPresent(sink);
            pending.reset();
            start = i + 1;
          }
        }
        pending.write(bytes, start, n - start);
      }
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  /** One daemon thread per follower, sleeping in poll(2) on inotify and a wake-up pipe. */
  private static final class Follower implements LogFollower {
    private final Path logFile;
    private final Consumer<LogLine> sink;
    private final Path exitFile;
    private final int[] wakeup = Spawn.pipe();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private final java.util.concurrent.atomic.AtomicBoolean closing =
        new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private volatile Throwable failure;

    Follower(Path logFile, Consumer<LogLine> sink, Path exitFile) {
      this.logFile = logFile;
      this.sink = sink;
      this.exitFile = exitFile;
      this.thread = new Thread(this::run, "berth-log-follower-" + logFile.getFileName());
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    private void run() {
      try {
        Path logDir = logFile.getParent();
        Path exitDir = exitFile == null ? null : exitFile.getParent();
        Files.createDirectories(logDir);
        try (Reader reader = new Reader(logFile);
            DirWatch watch = exitDir == null || exitDir.equals(logDir)
                ? DirWatch.open(DirWatch.CHANGES, logDir)
                : DirWatch.open(DirWatch.CHANGES, logDir, exitDir)) {
          while (!closed) {
            boolean exited = exitFile != null && Files.exists(exitFile);
            reader.readNew(this::deliver);
            if (exited) {
              return;
            }
            watch.await(null, wakeup[0]);
          }
        }
      } catch (Throwable t) {
        failure = t;
      } finally {
        Fds.closeQuietly(wakeup[0]);
        ended.countDown();
      }
    }

    private void deliver(LogLine line) {
      if (!closed) {
        sink.accept(line);
      }
    }

    @Override
    public boolean awaitEnd(Duration timeout) {
      try {
        boolean done = ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (done && failure != null) {
          throw new OciException("following " + logFile + " failed: " + failure, failure);
        }
        return done;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    @Override
    public void close() {
      if (closing.compareAndSet(false, true)) {
        closed = true;
        try {
          Fds.writeFully(wakeup[1], new byte[] {1});
        } catch (RuntimeException e) {
          // The follower already ended and closed its end: nothing to wake.
        }
        Fds.closeQuietly(wakeup[1]);
      }
      if (Thread.currentThread() != thread) {
        try {
          ended.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}

package io.berth.oci.internal.runtime;

import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import io.berth.oci.internal.sys.ChildProcess;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.InterruptiblePoll;
import io.berth.oci.internal.sys.LibC;
import io.berth.oci.internal.sys.PipeOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs short-lived commands (the runtime binary, conmon --version) with captured output and a
 * deadline. Children are started with {@link ChildProcess} (posix_spawn, no JDK helper
 * process); the calling thread itself drains stdout and stderr and watches for the exit in one
 * poll(2) loop, so a command costs no thread hand-offs. Only a caller-supplied stdin is fed from
 * a pooled thread, because reading it may block.
 *
 * <p>Thread-safe: every call is independent. Interrupting the calling thread kills the command.
 */
public final class CommandRunner {
  /** Reused daemon threads for stdin feeders and exec waiters. */
  static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-oci-pump-" + Counter.NEXT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private static final class Counter {
    static final AtomicInteger NEXT = new AtomicInteger();
  }

  private static final int CHUNK = 16 * 1024;

  /** What a finished command left. {@code exitCode} is -1 if it was killed at the deadline. */
  public record Result(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
    public String stdoutText() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
      return new String(stderr, StandardCharsets.UTF_8);
    }
  }

  private CommandRunner() {}

  /**
   * Runs {@code command}, feeding {@code stdin} (may be null: stdin is /dev/null).
   *
   * @throws OciRuntimeException if the binary cannot be started at all
   */
  public static Result run(List<String> command, InputStream stdin, Duration timeout) {
    ChildProcess child = start(command, stdin != null);
    return collect(child, command, stdin, timeout, () -> {});
  }

  /**
   * Starts {@code command} (argv[0] an absolute path) with piped stdout and stderr, and piped
   * stdin if {@code pipeStdin}, else /dev/null. No other descriptor of the JVM reaches it.
   *
   * @throws OciRuntimeException if the binary cannot be started at all
   */
  public static ChildProcess start(List<String> command, boolean pipeStdin) {
    try {
      return ChildProcess.start(command, pipeStdin);
    } catch (IllegalStateException e) {
      throw new OciRuntimeException("cannot run " + command.get(0) + ": " + e.getMessage()
          + "; check that it is installed and executable", -1, e.getMessage(), command);
    }
  }

  /**
   * Feeds stdin, drains stdout and stderr, and waits for {@code child} up to the deadline; at
   * the deadline runs {@code onTimeout}, then kills the child. Output that arrives after the
   * child has exited (from a grandchild that kept the pipe) is not waited for. Closes the
   * child's pipes and reaps it.
   */
  public static Result collect(ChildProcess child, List<String> command, InputStream stdin,
      Duration timeout, Runnable onTimeout) {
    PipeOutputStream feed = child.stdin() < 0 ? null : new PipeOutputStream(child.stdin());
    if (feed != null) {
      PUMPS.execute(() -> feed(stdin, feed));
    }
    Output out = new Output(child.stdout());
    Output err = new Output(child.stderr());
    boolean reaped = false;
    try (InterruptiblePoll poll = new InterruptiblePoll(() -> {})) {
      long deadline = System.nanoTime() + timeout.toNanos();
      boolean timedOut = false;
      byte[] chunk = new byte[CHUNK];
      while (true) {
        long left = deadline - System.nanoTime();
        boolean[] ready = left <= 0 ? new boolean[3] : poll.await(Duration.ofNanos(left),
            new int[] {child.pidfd(), out.fd, err.fd},
            new short[] {LibC.POLLIN, LibC.POLLIN, LibC.POLLIN});
        if (ready[1]) {
          out.drain(chunk);
        }
        if (ready[2]) {
          err.drain(chunk);
        }
        if (ready[0]) {
          break;
        }
        if (!ready[1] && !ready[2]) {
          timedOut = true;
          onTimeout.run();
          child.signal(Signals.SIGKILL);
          break;
        }
      }
      int status = child.reap();
      reaped = true;
      // Everything the child wrote before it exited is in the pipes now.
      out.drain(chunk);
      err.drain(chunk);
      return new Result(timedOut ? -1 : status, out.bytes(), err.bytes(), timedOut);
    } catch (ClosedByInterruptException e) {
      throw new OciRuntimeException("interrupted while running " + command.get(0), -1, "",
          command);
    } catch (IOException e) {
      throw new OciRuntimeException("cannot read the output of " + command.get(0) + ": " + e,
          -1, "", command);
    } finally {
      if (!reaped) {
        child.signal(Signals.SIGKILL);
        child.reap();
      }
      out.close();
      err.close();
      if (feed != null) {
        feed.close();
      }
    }
  }

  private static void feed(InputStream in, OutputStream stdin) {
    try (OutputStream o = stdin) {
      if (in != null) {
        in.transferTo(o);
      }
    } catch (IOException e) {
      // The process closed its stdin (EPIPE) or ended: it does not want more input.
    }
  }

  /** One output pipe of a command, read by the collecting thread until end-of-file. */
  private static final class Output {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    /** The non-blocking read end; -1 once at end-of-file (poll ignores negative fds). */
    int fd;

    Output(int fd) {
      this.fd = fd;
    }

    /** Reads what is there now, closing the pipe at end-of-file. */
    void drain(byte[] chunk) {
      while (fd >= 0) {
        int n = Fds.read(fd, chunk);
        if (n < 0) {
          return;
        }
        if (n == 0) {
          close();
          return;
        }
        bytes.write(chunk, 0, n);
      }
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }

    void close() {
      Fds.closeQuietly(fd);
      fd = -1;
    }
  }

  /**
   * Runs {@code command} and returns the first line of its stdout.
   *
   * @throws OciRuntimeException if it fails or prints nothing
   */
  public static String firstLine(List<String> command, Duration timeout) {
    Result r = run(command, null, timeout);
    String out = r.stdoutText().strip();
    if (r.exitCode() != 0 || out.isEmpty()) {
      throw new OciRuntimeException(String.join(" ", command) + " failed with exit code "
          + r.exitCode() + ": " + tail(r.stderrText()), r.exitCode(), tail(r.stderrText()),
          command);
    }
    return out.lines().findFirst().orElse(out);
  }

  /** The last 2000 characters of {@code text}, trimmed. */
  public static String tail(String text) {
    String t = text.strip();
    return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
  }
}

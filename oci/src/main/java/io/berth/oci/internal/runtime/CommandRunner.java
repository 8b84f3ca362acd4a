package io.berth.oci.internal.runtime;

import io.berth.oci.OciRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs short-lived commands (the runtime binary, conmon --version) with captured output and a
 * deadline. Output is drained by pooled daemon threads so a chatty child cannot block on a full
 * pipe.
 */
public final class CommandRunner {
  /** Reused pump threads: runtime calls are frequent, thread creation is not free. */
  static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-oci-pump-" + Counter.NEXT.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private static final class Counter {
    static final AtomicInteger NEXT = new AtomicInteger();
  }

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
   * Runs {@code command}, feeding {@code stdin} (may be null: stdin is at EOF at once).
   *
   * @throws OciRuntimeException if the binary cannot be started at all
   */
  public static Result run(List<String> command, InputStream stdin, Duration timeout) {
    Process process = start(command);
    return collect(process, command, stdin, timeout, () -> {});
  }

  /** Starts {@code command} with piped stdio (the JVM closes all other fds in the child). */
  public static Process start(List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new OciRuntimeException("cannot run " + command.get(0) + ": " + e.getMessage()
          + "; check that it is installed and executable", -1, e.getMessage(), command);
    }
  }

  /**
   * Feeds stdin, drains stdout and stderr, and waits for {@code process} up to the deadline;
   * at the deadline runs {@code onTimeout}, then kills the process.
   */
  public static Result collect(Process process, List<String> command, InputStream stdin,
      Duration timeout, Runnable onTimeout) {
    Future<?> feeder = PUMPS.submit(() -> feed(stdin, process.getOutputStream()));
    Future<byte[]> err = PUMPS.submit(() -> drain(process.getErrorStream()));
    Future<byte[]> out = PUMPS.submit(() -> drain(process.getInputStream()));
    boolean timedOut = false;
    try {
      if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        timedOut = true;
        onTimeout.run();
        process.destroyForcibly();
        process.waitFor();
      }
      byte[] stdout = out.get();
      byte[] stderr = err.get();
      feeder.cancel(true);
      return new Result(timedOut ? -1 : process.exitValue(), stdout, stderr, timedOut);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new OciRuntimeException("interrupted while running " + command.get(0), -1, "",
          command);
    } catch (ExecutionException e) {
      throw new OciRuntimeException("cannot read the output of " + command.get(0) + ": "
          + e.getCause(), -1, "", command);
    }
  }

  private static Void feed(InputStream in, OutputStream stdin) {
    try (OutputStream o = stdin) {
      if (in != null) {
        in.transferTo(o);
      }
    } catch (IOException e) {
      // The process closed its stdin (EPIPE): it does not want more input.
    }
    return null;
  }

  private static byte[] drain(InputStream in) {
    try (InputStream i = in) {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      i.transferTo(buf);
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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

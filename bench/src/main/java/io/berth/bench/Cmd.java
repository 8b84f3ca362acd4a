package io.berth.bench;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs host commands (runc, crun, podman, GNU tar) the way a shell would: stdin from
 * {@code /dev/null}, stdout discarded or captured, stderr kept in a file so a failure can say
 * what went wrong without a reader thread inside the timed region.
 *
 * <p>Thread-safe: each thread writes its stderr to its own file under {@code logDir}.
 */
final class Cmd {
  private static final File DEV_NULL = new File("/dev/null");

  private final Path logDir;
  private final Map<String, String> env;

  Cmd(Path logDir, Map<String, String> env) {
    this.logDir = logDir;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code command}, discarding its output; throws with its stderr if it fails. */
  void run(List<String> command) {
    exec(command, false);
  }

  /** Runs {@code command} and returns its stdout, trimmed. */
  String output(List<String> command) {
    return exec(command, true).trim();
  }

  /** As {@link #run}, from a varargs list. */
  void run(String... command) {
    run(List.of(command));
  }

  String output(String... command) {
    return output(List.of(command));
  }

  private String exec(List<String> command, boolean capture) {
    Path err = logDir.resolve("stderr-" + Thread.currentThread().getId() + ".txt");
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectInput(DEV_NULL)
        .redirectError(err.toFile());
    pb.environment().putAll(env);
    if (!capture) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    try {
      Process p = pb.start();
      byte[] out = capture ? p.getInputStream().readAllBytes() : new byte[0];
      int code = p.waitFor();
      if (code != 0) {
        throw new BenchException("`" + String.join(" ", command) + "` exited with " + code
            + ": " + tail(err));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running " + command.get(0), e);
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while running " + command.get(0), e);
    } catch (IOException e) {
      throw new BenchException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
  }

  private static String tail(Path err) {
    try {
      String text = Files.readString(err, StandardCharsets.UTF_8).strip();
      return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}

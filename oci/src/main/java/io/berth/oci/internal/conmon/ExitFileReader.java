package io.berth.oci.internal.conmon;

import io.berth.oci.ContainerExit;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.internal.sys.DirWatch;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.Pidfd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads conmon's exit file ({@code <exitDir>/<id>}, the exit status as decimal text, written
 * atomically by a rename) and its OOM marker ({@code <persistDir>/oom}), and waits for them.
 */
public final class ExitFileReader {
  /** conmon writes a few digits; anything longer is not an exit file. */
  private static final long MAX_EXIT_FILE_BYTES = 64;

  private ExitFileReader() {}

  public static Optional<ContainerExit> read(Path exitDir, Path runDir, String id) {
    Path file = exitDir.resolve(id);
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attrs.isRegularFile() || attrs.size() > MAX_EXIT_FILE_BYTES) {
        throw new OciException("exit file " + file + " is not a small regular file;"
            + " remove it, the container's exit code is unknown");
      }
      String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).strip();
      int code;
      try {
        code = Integer.parseInt(text);
      } catch (NumberFormatException e) {
        throw new OciException("exit file " + file + " holds '" + text
            + "' instead of an exit code; remove it, the container's exit code is unknown");
      }
      Instant finished = attrs.lastModifiedTime().toInstant();
      return Optional.of(new ContainerExit(code, finished, oomKilled(runDir), Optional.empty()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new OciException("cannot read exit file " + file + ": " + e, e);
    }
  }

  private static boolean oomKilled(Path runDir) {
    return runDir != null && Files.exists(runDir.resolve("oom"));
  }

  /** The exit reported when conmon is gone and left no exit file. */
  public static ContainerExit conmonGone(Path exitDir, Path runDir, String id, int conmonPid) {
    return new ContainerExit(ContainerExit.UNKNOWN, Instant.now(), oomKilled(runDir),
        Optional.of("conmon (pid " + conmonPid + ") exited without writing an exit file for"
            + " container " + id + " (expected " + exitDir.resolve(id)
            + "); it was probably killed, so the container's exit code is unknown"));
  }

  public static Optional<ContainerExit> await(Path exitDir, Path runDir, String id,
      HostProcess conmon, Duration timeout) {
    long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Long.MAX_VALUE / 4);
    try {
      Files.createDirectories(exitDir);
    } catch (IOException e) {
      throw new OciException("cannot create exit directory " + exitDir + ": " + e, e);
    }
    // Watch first, then look: a file written between the two is still seen.
    try (DirWatch watch = DirWatch.open(exitDir, DirWatch.CHANGES)) {
      OptionalInt pidfd = Pidfd.open(conmon);
      try {
        while (true) {
          Optional<ContainerExit> exit = read(exitDir, runDir, id);
          if (exit.isPresent()) {
            return exit;
          }
          if (pidfd.isEmpty()) {
            // conmon writes the exit file before it exits, so one more look settles it.
            return Optional.of(read(exitDir, runDir, id)
                .orElseGet(() -> conmonGone(exitDir, runDir, id, conmon.pid())));
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return Optional.empty();
          }
          if (watch.await(Duration.ofNanos(left), pidfd.getAsInt())) {
            Fds.closeQuietly(pidfd.getAsInt());
            pidfd = OptionalInt.empty();
          }
        }
      } finally {
        pidfd.ifPresent(Fds::closeQuietly);
      }
    } catch (IOException e) {
      throw new OciException("cannot wait for exit file " + exitDir.resolve(id) + ": "
          + e.getMessage(), e);
    }
  }
}

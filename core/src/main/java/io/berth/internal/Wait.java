package io.berth.internal;

import io.berth.ContainerRemovedException;
import io.berth.ContainerState;
import io.berth.oci.ContainerExit;
import io.berth.oci.ExitFiles;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a container's process to exit without holding its lock and without polling: it
 * sleeps on conmon's exit file (inotify) and on conmon itself (a pidfd), then re-syncs under
 * the lock. A container removed while we wait still yields its exit code, from the database's
 * record of recently removed containers.
 */
final class Wait {
  private Wait() {}

  static OptionalInt forExit(DefaultContainer c, Duration timeout) {
    long deadline = Durations.deadline(timeout);
    while (true) {
      Plan plan;
      try {
        plan = c.relocked(Wait::plan);
      } catch (ContainerRemovedException e) {
        Optional<Integer> code = c.ctx().db().removedExitCode(c.id());
        if (code.isPresent()) {
          return OptionalInt.of(code.get());
        }
        throw e;
      }
      if (plan.exitCode != null) {
        return OptionalInt.of(plan.exitCode);
      }
      Duration left = Durations.remaining(deadline);
      if (timeout != null && left.isZero()) {
        return OptionalInt.empty();
      }
      try {
        if (plan.conmon != null) {
          ExitFiles.await(c.ctx().layout().exits(), c.ctx().layout().runDir(c.id()), c.id(),
              plan.conmon, left);
        } else {
          awaitExitFileCreated(c.ctx().layout().exits(), c.id(), left);
        }
      } catch (OciException e) {
        throw Errors.oci(e, c.id(), ContainerState.RUNNING);
      }
      if (timeout != null && Durations.remaining(deadline).isZero()) {
        // One last look: the exit may have landed exactly at the deadline.
        Plan last = c.relocked(Wait::plan);
        return last.exitCode == null ? OptionalInt.empty() : OptionalInt.of(last.exitCode);
      }
    }
  }

  private record Plan(Integer exitCode, HostProcess conmon) {}

  private static Plan plan(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state.hasExited()) {
      return new Plan(s.exitCode == null ? ContainerExit.UNKNOWN : s.exitCode, null);
    }
    if (s.state.isActive() && s.conmonPid > 0) {
      return new Plan(null, new HostProcess(s.conmonPid, s.conmonStartTicks));
    }
    return new Plan(null, null); // not started yet: someone else may start it
  }

  /**
   * For a container that has no conmon yet: sleeps until an exit file for it appears (someone
   * else started it, and it ended) or the time is up. Any state change is re-read by the caller.
   */
  private static void awaitExitFileCreated(Path exits, String id, Duration timeout) {
    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      Files.createDirectories(exits);
      exits.register(watch, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY);
      if (Files.exists(exits.resolve(id))) {
        return;
      }
      long deadline = Durations.deadline(timeout);
      while (true) {
        long left = Durations.remaining(deadline).toMillis();
        var key = watch.poll(Math.max(1, Math.min(left, Long.MAX_VALUE / 4)),
            TimeUnit.MILLISECONDS);
        if (key == null) {
          return;
        }
        boolean ours = key.pollEvents().stream()
            .anyMatch(e -> id.equals(String.valueOf(e.context())));
        key.reset();
        if (ours || Durations.remaining(deadline).isZero()) {
          return;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot watch " + exits + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new io.berth.BerthException("interrupted while waiting for container " + id, e);
    }
  }
}

package io.berth.oci.internal.runtime;

import io.berth.oci.ExecProcess;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import io.berth.oci.internal.sys.DirWatch;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.Pidfd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A running {@code <runtime> exec}: the runtime process is our child; its stdio is the exec'd process's. */
final class ExecSession implements ExecProcess {
  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final String containerId;
  private final ExecRunner.Prepared files;
  private final Process runtimeProcess;
  private final boolean stdinFed;
  private final Consumer<String> onEnd;
  private volatile HostProcess process;
  private volatile Integer exitCode;
  private volatile OciRuntimeException failure;

  ExecSession(String containerId, ExecRunner.Prepared files, Process runtimeProcess,
      InputStream stdin, Consumer<String> onEnd) {
    this.containerId = containerId;
    this.files = files;
    this.runtimeProcess = runtimeProcess;
    this.onEnd = onEnd;
    this.stdinFed = stdin != null;
    if (stdin != null) {
      CommandRunner.PUMPS.submit(() -> {
        try (OutputStream out = runtimeProcess.getOutputStream()) {
          stdin.transferTo(out);
        } catch (IOException e) {
          // The process stopped reading its stdin.
        }
      });
    }
    runtimeProcess.onExit().thenRun(this::finish);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String containerId() {
    return containerId;
  }

  @Override
  public int pid() {
    HostProcess p = process;
    if (p != null) {
      return p.pid();
    }
    Optional<HostProcess> runtime = HostProcess.of((int) runtimeProcess.pid());
    // Watch for the pid file, and for the runtime exiting without writing it.
    try (DirWatch watch = DirWatch.open(files.dir(), DirWatch.CHANGES)) {
      OptionalInt pidfd = runtime.isPresent() ? Pidfd.open(runtime.get()) : OptionalInt.empty();
      try {
        while (true) {
          Optional<HostProcess> found = files.process();
          if (found.isPresent()) {
            process = found.get();
            return found.get().pid();
          }
          if (pidfd.isEmpty() || !runtimeProcess.isAlive()) {
            waitFor();
            throw new OciException("exec " + id + " in container " + containerId
                + " ended before its pid was known (exit code " + exitCode + ")");
          }
          if (watch.await(Duration.ofSeconds(30), pidfd.getAsInt())) {
            Fds.closeQuietly(pidfd.getAsInt());
            pidfd = OptionalInt.empty();
          }
        }
      } finally {
        pidfd.ifPresent(Fds::closeQuietly);
      }
    } catch (IOException e) {
      throw new OciException("cannot wait for the pid of exec " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public OutputStream stdin() {
    if (stdinFed) {
      throw new IllegalStateException("exec " + id + " reads stdin from the request's stream");
    }
    return runtimeProcess.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return runtimeProcess.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return runtimeProcess.getErrorStream();
  }

  @Override
  public int waitFor() {
    try {
      runtimeProcess.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while waiting for exec " + id);
    }
    return result();
  }

  @Override
  public OptionalInt waitFor(Duration timeout) {
    try {
      if (!runtimeProcess.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return OptionalInt.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while waiting for exec " + id);
    }
    return OptionalInt.of(result());
  }

  private synchronized int result() {
    finish();
    if (failure != null) {
      throw failure;
    }
    return exitCode;
  }

  /** Runs once when the runtime process has exited: decide the exit code, drop the files. */
  private synchronized void finish() {
    if (exitCode != null || failure != null) {
      return;
    }
    try {
      exitCode = files.exitCode(runtimeProcess.exitValue());
    } catch (OciRuntimeException e) {
      failure = e;
      exitCode = -1;
    } finally {
      files.delete();
      onEnd.accept(id);
    }
  }

  @Override
  public boolean isAlive() {
    return runtimeProcess.isAlive();
  }

  @Override
  public void kill(int signal) {
    if (!runtimeProcess.isAlive()) {
      return;
    }
    HostProcess p = process;
    if (p == null) {
      try {
        pid();
      } catch (OciException e) {
        return;
      }
      p = process;
    }
    p.signal(signal);
  }

  @Override
  public void close() {
    if (runtimeProcess.isAlive()) {
      kill(Signals.SIGKILL);
      if (waitFor(Duration.ofSeconds(10)).isEmpty()) {
        runtimeProcess.destroyForcibly();
      }
    }
    try {
      runtimeProcess.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    finish();
  }

  @Override
  public String toString() {
    return "ExecSession[" + id + " in " + containerId + "]";
  }
}

package io.berth.oci.internal.runtime;

import io.berth.oci.ExecProcess;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import io.berth.oci.internal.sys.ChildProcess;
import io.berth.oci.internal.sys.DirWatch;
import io.berth.oci.internal.sys.Fds;
import io.berth.oci.internal.sys.Pidfd;
import io.berth.oci.internal.sys.PipeInputStream;
import io.berth.oci.internal.sys.PipeOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running {@code <runtime> exec}: the runtime process is our child; its stdio is the exec'd
 * process's. A pooled thread waits for the runtime to exit (as the JDK's process reaper would),
 * then decides the exit code and drops the exec's files. {@link #close()} also closes the
 * streams, waking any thread still reading them.
 *
 * <p>Thread-safe, as {@link ExecProcess} requires.
 */
final class ExecSession implements ExecProcess {
  private static final System.Logger LOG = System.getLogger(ExecSession.class.getName());
  /** How long close() waits after each SIGKILL, first to the exec'd process, then the runtime. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final String id = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final String containerId;
  private final ExecRunner.Prepared files;
  private final ChildProcess runtimeProcess;
  private final PipeOutputStream stdin;
  private final PipeInputStream stdout;
  private final PipeInputStream stderr;
  private final boolean stdinFed;
  private final Consumer<String> onEnd;
  /** The runtime's exit status, once it has been reaped. */
  private final CompletableFuture<Integer> runtimeExit = new CompletableFuture<>();
  private volatile HostProcess process;
  private volatile Integer exitCode;
  private volatile OciRuntimeException failure;

  ExecSession(String containerId, ExecRunner.Prepared files, ChildProcess runtimeProcess,
      InputStream input, Consumer<String> onEnd) {
    this.containerId = containerId;
    this.files = files;
    this.runtimeProcess = runtimeProcess;
    this.onEnd = onEnd;
    this.stdin = new PipeOutputStream(runtimeProcess.stdin());
    this.stdout = new PipeInputStream(runtimeProcess.stdout());
    this.stderr = new PipeInputStream(runtimeProcess.stderr());
    this.stdinFed = input != null;
    if (input != null) {
      CommandRunner.PUMPS.execute(() -> {
        try (OutputStream out = stdin) {
          input.transferTo(out);
        } catch (IOException e) {
          // The process stopped reading its stdin.
        }
      });
    }
    CommandRunner.PUMPS.execute(this::reap);
  }

  private void reap() {
    try {
      runtimeExit.complete(runtimeProcess.reap());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot collect the exit of exec " + id, e);
      runtimeExit.complete(-1);
    }
    finish();
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
    Optional<HostProcess> runtime = HostProcess.of(runtimeProcess.pid());
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
          if (pidfd.isEmpty() || !isAlive()) {
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
    return stdin;
  }

  @Override
  public InputStream stdout() {
    return stdout;
  }

  @Override
  public InputStream stderr() {
    return stderr;
  }

  @Override
  public int waitFor() {
    awaitRuntimeOrThrow(null);
    return result();
  }

  @Override
  public OptionalInt waitFor(Duration timeout) {
    return awaitRuntimeOrThrow(timeout) ? OptionalInt.of(result()) : OptionalInt.empty();
  }

  private boolean awaitRuntimeOrThrow(Duration timeout) {
    try {
      return awaitRuntime(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OciException("interrupted while waiting for exec " + id);
    }
  }

  /** Waits for the runtime process to be reaped; false at the timeout (null: none). */
  private boolean awaitRuntime(Duration timeout) throws InterruptedException {
    try {
      if (timeout == null) {
        runtimeExit.get();
      } else {
        runtimeExit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the exit of exec " + id + " is only completed normally",
          e);
    }
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
      exitCode = files.exitCode(runtimeExit.join());
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
    return !runtimeExit.isDone();
  }

  @Override
  public void kill(int signal) {
    if (!isAlive()) {
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
    try {
      if (isAlive()) {
        kill(Signals.SIGKILL);
        if (!awaitRuntime(KILL_WAIT)) {
          runtimeProcess.signal(Signals.SIGKILL);
          awaitRuntime(KILL_WAIT);
        }
      }
      if (!isAlive()) {
        finish();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stdin.close();
      stdout.close();
      stderr.close();
    }
  }

  @Override
  public String toString() {
    return "ExecSession[" + id + " in " + containerId + "]";
  }
}

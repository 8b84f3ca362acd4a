package io.berth.internal;

import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.ExecConfig;
import io.berth.ExecResult;
import io.berth.ExecSession;
import io.berth.ExecTimeoutException;
import io.berth.oci.ExecProcess;
import io.berth.oci.ExecRequest;
import io.berth.oci.OciException;
import io.berth.oci.Signals;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process in a running container, as the reference's Exec does: under the lock it checks
 * the state, starts the process and records the session; then it waits without the lock, so
 * others can use the container; then, locked again, it drops the session.
 */
final class Exec {
  /** After the process exits, how long its output may take to drain before we stop reading. */
  private static final Duration DRAIN = Duration.ofSeconds(5);
  /** How long a SIGKILLed exec process may take to be reaped. */
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  /** Readers of exec output; daemon threads, so they never hold the JVM open. */
  private static final ExecutorService READERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-exec-output");
    t.setDaemon(true);
    return t;
  });

  private Exec() {}

  static ExecResult run(DefaultContainer c, ExecConfig config, Duration timeout) {
    Started started = c.locked(x -> start(x, config));
    ExecProcess process = started.process();
    try (process) {
      Collector out = new Collector(process.stdout());
      Collector err = new Collector(process.stderr());
      OptionalInt code = timeout == null
          ? OptionalInt.of(process.waitFor()) : process.waitFor(timeout);
      if (code.isEmpty()) {
        process.kill(Signals.SIGKILL);
        process.waitFor(KILL_WAIT);
        throw new ExecTimeoutException(c.id(), ContainerState.RUNNING, timeout);
      }
      return new ExecResult(code.getAsInt(), out.text(), err.text());
    } catch (OciException e) {
      throw Errors.oci(e, c.id(), ContainerState.RUNNING);
    } finally {
      if (started.tracked()) {
        forget(c, process.id());
      }
    }
  }

  /** A started exec, and whether a session row was recorded for it. */
  private record Started(ExecProcess process, boolean tracked) {}

  private static Started start(DefaultContainer c, ExecConfig config) {
    ContainerStatus s = c.status();
    if (s.state != ContainerState.RUNNING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; exec needs a running container");
    }
    ExecRequest.Builder request = ExecRequest.builder()
        .command(config.command())
        .privileged(config.privileged() || c.config().privileged())
        .tty(config.tty());
    config.env().forEach(request::env);
    config.user().ifPresent(request::user);
    config.workingDir().ifPresent(request::workingDir);
    ExecProcess process = Errors.translate(c.id(), s.state,
        () -> c.ctx().oci().execStreaming(c.id(), request.build()));
    try {
      process.stdin().close(); // exec without attached stdin reads end-of-file at once
      OptionalInt pid = pidWhileRunning(process);
      if (pid.isEmpty()) {
        return new Started(process, false); // already finished: no session to track
      }
      ExecSession session = new ExecSession(process.id(), pid.getAsInt(), config.command(),
          Instant.now());
      c.ctx().db().addExecSession(c.id(), session);
      List<ExecSession> sessions = new java.util.ArrayList<>(c.record().execSessions());
      sessions.add(session);
      c.syncedSessions(sessions);
      return new Started(process, true);
    } catch (IOException | RuntimeException e) {
      process.close();
      if (e instanceof OciException oe) {
        throw Errors.oci(oe, c.id(), s.state);
      }
      throw e instanceof RuntimeException re ? re : new java.io.UncheckedIOException(
          (IOException) e);
    }
  }

  /** The exec's pid, or empty if it finished before its pid could be seen. */
  private static OptionalInt pidWhileRunning(ExecProcess process) {
    try {
      return OptionalInt.of(process.pid());
    } catch (OciException e) {
      if (process.isAlive()) {
        throw e;
      }
      return OptionalInt.empty();
    }
  }

  /**
   * Drops the session record. The row is this exec's alone, so no container lock or sync is
   * needed; a handle's cached sessions catch up at its next sync, a batch's at once.
   */
  private static void forget(DefaultContainer c, String sessionId) {
    c.ctx().db().removeExecSessions(c.id(), List.of(sessionId));
    if (c.isBatchView()) {
      c.syncedSessions(c.record().execSessions().stream()
          .filter(session -> !session.id().equals(sessionId)).toList());
    }
  }

  /** Reads one output stream to its end on a pool thread, keeping what arrived. */
  private static final class Collector implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);

    Collector(InputStream in) {
      this.in = in;
      READERS.execute(this);
    }

    @Override
    public void run() {
      byte[] chunk = new byte[8192];
      try (in) {
        for (int n; (n = in.read(chunk)) > 0; ) {
          synchronized (buffer) {
            buffer.write(chunk, 0, n);
          }
        }
      } catch (IOException e) {
        // The stream was closed under us (drain deadline passed): keep what arrived.
      } finally {
        done.countDown();
      }
    }

    /**
     * What was read, waiting up to {@link #DRAIN} for the end: a background child of the exec
     * may hold the pipe open after the exec itself has finished.
     */
    String text() {
      try {
        done.await(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
      }
    }
  }
}

package io.berth.internal;

import io.berth.ContainerState;
import io.berth.ExecSession;
import io.berth.oci.ContainerExit;
import io.berth.oci.ExitFiles;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds into a freshly loaded record what happened outside Berth since it was saved: the
 * process exited (conmon's exit file), conmon died, an init crashed half-way, exec processes
 * ended. Runs under the container's lock. Costs a stat and a {@code /proc} read on the hot
 * path; the OCI runtime binary is only run when something must be repaired.
 */
final class Sync {
  private Sync() {}

  static void reconcile(DefaultContainer c) {
    ContainerStatus s = c.status();
    RuntimeContext ctx = c.ctx();
    String id = c.id();
    boolean changed = false;
    if (s.state.isActive()) {
      Observed seen = observe(() -> readExit(ctx, id), () -> conmonAlive(s));
      if (seen.exit().isPresent()) {
        ContainerExit e = seen.exit().get();
        s.exited(e.exitCode(), e.finishedAt(), e.oomKilled(), e.reason().orElse(null));
        changed = true;
      } else if (seen.conmonVanished()) {
        conmonVanished(c);
        changed = true;
      }
    } else if (s.state == ContainerState.CONFIGURED && Files.exists(ctx.layout().runDir(id))) {
      Recovery.crashedInit(c);
    }
    if (changed) {
      c.save();
    }
    pruneExecSessions(c);
  }

  /** What a sync learned of an active container's process. */
  record Observed(java.util.Optional<ContainerExit> exit, boolean conmonVanished) {}

  /**
   * Reads the exit file and checks conmon. conmon writes the exit file just before it exits,
   * so when conmon is found gone the file is read once more: only then is its absence final.
   */
  static Observed observe(java.util.function.Supplier<java.util.Optional<ContainerExit>> exitFile,
      java.util.function.BooleanSupplier conmonAlive) {
    var exit = exitFile.get();
    if (exit.isPresent() || conmonAlive.getAsBoolean()) {
      return new Observed(exit, false);
    }
    exit = exitFile.get();
    return new Observed(exit, exit.isEmpty());
  }

  private static java.util.Optional<ContainerExit> readExit(RuntimeContext ctx, String id) {
    return ExitFiles.read(ctx.layout().exits(), ctx.layout().runDir(id), id);
  }

  private static boolean conmonAlive(ContainerStatus s) {
    return s.conmonPid > 0 && new HostProcess(s.conmonPid, s.conmonStartTicks).isAlive();
  }

  /**
   * conmon died without an exit file (killed, or the host's OOM killer): the exit code is lost.
   * Stop whatever still runs, free the runtime's state and the mount, and say why.
   */
  private static void conmonVanished(DefaultContainer c) {
    RuntimeContext ctx = c.ctx();
    String id = c.id();
    int conmonPid = c.status().conmonPid;
    try {
      ctx.oci().delete(id, true);
    } catch (OciException e) {
      RuntimeContext.LOG.log(System.Logger.Level.WARNING,
          "container " + id + ": runtime delete after conmon died failed: " + e.getMessage());
    }
    ContainerStatus s = c.status();
    s.exited(ContainerExit.UNKNOWN, Instant.now(), false, "conmon (pid " + conmonPid
        + ") exited without recording the container's exit code; the container was stopped"
        + " and its runtime state removed");
    Mounts.releaseRuntimeMount(c);
    s.state = ContainerState.EXITED;
    Recovery.deleteRunFiles(ctx, id);
  }

  /** Drops exec sessions whose process is gone (their JVM died before it could). */
  private static void pruneExecSessions(DefaultContainer c) {
    List<ExecSession> sessions = c.record().execSessions();
    if (sessions.isEmpty()) {
      return;
    }
    List<String> gone = new ArrayList<>();
    for (ExecSession session : sessions) {
      if (HostProcess.of(session.pid()).isEmpty()) {
        gone.add(session.id());
      }
    }
    if (!gone.isEmpty()) {
      c.ctx().db().removeExecSessions(c.id(), gone);
      c.syncedSessions(sessions.stream().filter(x -> !gone.contains(x.id())).toList());
    }
  }

  static void deleteQuietly(java.nio.file.Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      RuntimeContext.LOG.log(System.Logger.Level.DEBUG, "could not delete " + path, e);
    }
  }
}

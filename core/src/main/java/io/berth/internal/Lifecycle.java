package io.berth.internal;

import io.berth.ContainerExistsException;
import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.oci.Bundle;
import io.berth.oci.ContainerExit;
import io.berth.oci.ContainerStop;
import io.berth.oci.CreateRequest;
import io.berth.oci.CreatedContainer;
import io.berth.oci.HostProcess;
import io.berth.oci.OciException;
import io.berth.storage.ImageConfig;
import io.berth.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The state machine of the reference design: which operation is allowed in which state, and
 * what each does to the OCI runtime, the mounts and the record. Every method here runs with the
 * container locked and synced, except the waiting part of {@link #stop}.
 */
final class Lifecycle {
  private static final Set<ContainerState> STARTABLE = EnumSet.of(ContainerState.CONFIGURED,
      ContainerState.CREATED, ContainerState.STOPPED, ContainerState.EXITED);

  private Lifecycle() {}

  static void init(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state != ContainerState.CONFIGURED) {
      throw new ContainerExistsException(c.id(), s.state, "container " + c.id()
          + " has already been created in the runtime (state " + s.state + ")");
    }
    createInRuntime(c, true);
  }

  static void start(DefaultContainer c) {
    prepareStart(c);
    startCreated(c);
  }

  /** Brings a startable container to CREATED: re-creates a finished one, inits a new one. */
  static void prepareStart(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (!STARTABLE.contains(s.state)) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; it must be configured, created, stopped or exited to be started");
    }
    if (s.state == ContainerState.STOPPED || s.state == ContainerState.EXITED) {
      removeFromRuntime(c, true); // a finished container is re-created afresh
    }
    if (s.state == ContainerState.CONFIGURED) {
      // Not saved as CREATED: the start that follows saves RUNNING, and a process killed in
      // between leaves a configured record with a run dir, which Recovery cleans up.
      createInRuntime(c, false);
    }
  }

  /** Starts the process of a CREATED container; on failure takes it back to CONFIGURED. */
  static void startCreated(DefaultContainer c) {
    ContainerStatus s = c.status();
    Instant started = Instant.now(); // before the call: the process may be done when it returns
    try {
      c.ctx().oci().start(c.id());
    } catch (OciException e) {
      undoCreate(c);
      throw Errors.oci(e, c.id(), ContainerState.CREATED);
    }
    s.state = ContainerState.RUNNING;
    s.startedAt = started.toString();
    // Not waited to disk: a killed JVM keeps the commit (WAL), and a power loss ends the
    // container anyway, after which the boot refresh rewrites its state whatever it was.
    c.saveTransient();
  }

  /**
   * Mounts the rootfs, writes the bundle and has conmon create the container: CONFIGURED →
   * CREATED, saved if {@code save}. On failure nothing is left: no runtime entry, no mount, no
   * run files.
   */
  private static void createInRuntime(DefaultContainer c, boolean save) {
    RuntimeContext ctx = c.ctx();
    String id = c.id();
    ContainerStatus s = c.status();
    try {
      ImageConfig image = ctx.store().image(c.record().imageId()).config();
      // The run dir comes first: from here on, a crash leaves the mark Recovery looks for.
      Path runDir = ctx.layout().runDir(id);
      Files.createDirectories(runDir);
      Files.deleteIfExists(ctx.layout().exitFile(id));
      Path rootfs = Mounts.acquireRuntimeMount(c);
      Bundle bundle = Bundle.write(ctx.layout().bundle(id),
          SpecFactory.settings(id, c.config(), rootfs), SpecFactory.defaults(image));
      CreatedContainer created = ctx.oci().create(CreateRequest.builder()
          .id(id)
          .name(c.name())
          .bundle(bundle)
          .runDir(runDir)
          .exitDir(ctx.layout().exits())
          .logFile(ctx.layout().log(id))
          .stdin(c.config().stdin())
          .build());
      FaultPoint.reached(FaultPoint.AFTER_RUNTIME_CREATE);
      s.state = ContainerState.CREATED;
      s.pid = created.pid();
      s.pidStartTicks = created.process().startTime();
      s.conmonPid = created.conmonPid();
      s.conmonStartTicks = created.conmonStartTime();
      s.exitCode = null;
      s.finishedAt = null;
      s.startedAt = null;
      s.oomKilled = false;
      s.reason = null;
      if (save) {
        c.save();
      }
    } catch (IOException | RuntimeException e) {
      undoCreate(c);
      if (e instanceof OciException oe) {
        throw Errors.oci(oe, id, ContainerState.CONFIGURED);
      }
      if (e instanceof StorageException se) {
        throw Errors.storage(se, id, ContainerState.CONFIGURED);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("container " + id + ": " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /** Takes a failed or abandoned create back to CONFIGURED, leaving nothing behind. */
  private static void undoCreate(DefaultContainer c) {
    RuntimeContext ctx = c.ctx();
    try {
      ctx.oci().delete(c.id(), true);
    } catch (OciException e) {
      RuntimeContext.LOG.log(System.Logger.Level.WARNING, "container " + c.id()
          + ": runtime delete while undoing a create failed: " + e.getMessage());
    }
    Mounts.releaseRuntimeMount(c);
    Recovery.deleteRunFiles(ctx, c.id());
    ContainerStatus s = c.status();
    s.state = ContainerState.CONFIGURED;
    s.clearProcesses();
    c.save();
  }

  /**
   * Deletes the container from the runtime and frees its mount: STOPPED → EXITED,
   * CREATED → CONFIGURED, as the reference's cleanup does; with {@code reinit}, → CONFIGURED
   * for a create that follows at once (saved, so a crash during that create is recognised).
   */
  static void removeFromRuntime(DefaultContainer c, boolean reinit) {
    ContainerStatus s = c.status();
    RuntimeContext ctx = c.ctx();
    if (s.state == ContainerState.CREATED || s.state == ContainerState.STOPPED
        || s.state == ContainerState.STOPPING) {
      try {
        ctx.oci().delete(c.id(), true);
      } catch (OciException e) {
        throw Errors.oci(e, c.id(), s.state);
      }
    }
    Mounts.releaseRuntimeMount(c);
    Recovery.deleteRunFiles(ctx, c.id());
    s.clearProcesses();
    if (reinit || s.state == ContainerState.CREATED) {
      s.state = ContainerState.CONFIGURED;
    } else if (s.state.hasExited()) {
      s.state = ContainerState.EXITED;
    }
    c.save();
  }

  static void cleanup(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state == ContainerState.RUNNING || s.state == ContainerState.PAUSED
        || s.state == ContainerState.STOPPING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; refusing to clean up a container that may still run");
    }
    requireNoExecSessions(c, "clean up");
    removeFromRuntime(c, false);
  }

  static void requireNoExecSessions(DefaultContainer c, String what) {
    if (!c.record().execSessions().isEmpty()) {
      throw new ContainerStateException(c.id(), c.status().state, "container " + c.id()
          + " has " + c.record().execSessions().size() + " active exec sessions; refusing to "
          + what);
    }
  }

  static void kill(DefaultContainer c, int signal) {
    ContainerStatus s = c.status();
    if (signal < 1 || signal > 64) {
      throw new IllegalArgumentException("signal " + signal + " is not between 1 and 64");
    }
    if (s.state != ContainerState.RUNNING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + "; only running containers can be killed");
    }
    Errors.translate(c.id(), s.state, () -> {
      c.ctx().oci().kill(c.id(), signal, false);
      return null;
    });
  }

  static void pause(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state == ContainerState.PAUSED) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id()
          + " is already paused");
    }
    if (s.state != ContainerState.RUNNING) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + ", not running; it cannot be paused");
    }
    Errors.translate(c.id(), s.state, () -> {
      c.ctx().oci().pause(c.id());
      return null;
    });
    s.state = ContainerState.PAUSED;
    c.save();
  }

  static void unpause(DefaultContainer c) {
    ContainerStatus s = c.status();
    if (s.state != ContainerState.PAUSED) {
      throw new ContainerStateException(c.id(), s.state, "container " + c.id() + " is "
          + s.state + ", not paused; it cannot be unpaused");
    }
    Errors.translate(c.id(), s.state, () -> {
      c.ctx().oci().resume(c.id());
      return null;
    });
    s.state = ContainerState.RUNNING;
    c.save();
  }

  /**
   * Stops the container: under the lock, checks the state and saves STOPPING; then, without the
   * lock (so others can inspect it), signals and waits; then re-locks and syncs.
   */
  static void stop(DefaultContainer c, Duration timeout) {
    StopPlan plan = c.locked(x -> planStop(x));
    if (plan == null) {
      return;
    }
    try {
      ContainerStop.stop(c.ctx().oci(), c.id(), plan.signal, timeout,
          c.ctx().layout().exits(), c.ctx().layout().runDir(c.id()), plan.conmon);
    } catch (OciException e) {
      throw Errors.oci(e, c.id(), ContainerState.STOPPING);
    }
    c.relocked(x -> null);
  }

  private record StopPlan(int signal, HostProcess conmon) {}

  private static StopPlan planStop(DefaultContainer c) {
    ContainerStatus s = c.status();
    switch (s.state) {
      case CONFIGURED, UNKNOWN, PAUSED, REMOVING -> throw new ContainerStateException(c.id(),
          s.state, "container " + c.id() + " is " + s.state
              + "; only created, running or stopped containers can be stopped");
      case STOPPED, EXITED -> {
        return null;
      }
      default -> {
        int signal = SpecFactory.stopSignal(c.config(),
            c.ctx().store().image(c.record().imageId()).config());
        if (s.state != ContainerState.STOPPING) {
          s.state = ContainerState.STOPPING;
          c.saveTransient();
        }
        return new StopPlan(signal, new HostProcess(s.conmonPid, s.conmonStartTicks));
      }
    }
  }

  /** Kills a container that is being removed, and waits for conmon's record of its exit. */
  static void killForRemoval(DefaultContainer c) {
    ContainerStatus s = c.status();
    RuntimeContext ctx = c.ctx();
    try {
      if (s.state == ContainerState.PAUSED) {
        ctx.oci().resume(c.id()); // a frozen process cannot act on SIGKILL until thawed
      }
      ContainerExit exit = ContainerStop.stop(ctx.oci(), c.id(), io.berth.oci.Signals.SIGKILL,
          Duration.ZERO, ctx.layout().exits(), ctx.layout().runDir(c.id()),
          new HostProcess(s.conmonPid, s.conmonStartTicks));
      s.exited(exit.exitCode(), exit.finishedAt(), exit.oomKilled(), exit.reason().orElse(null));
    } catch (OciException e) {
      throw Errors.oci(e, c.id(), s.state);
    }
  }
}

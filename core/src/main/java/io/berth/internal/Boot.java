package io.berth.internal;

import io.berth.ContainerState;
import io.berth.oci.ContainerExit;
import io.berth.oci.HostProcess;
import io.berth.oci.Signals;
import io.berth.storage.ContainerLayer;
import io.berth.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@code Runtime.open} does before handing out containers: after a reboot (no
 * {@code <runRoot>/alive}), refresh every record, since nothing that ran survived; then
 * reconcile the store's container layers with the records, and finish inits that a dead process
 * left half-done. Cheap when nothing is wrong: a few queries and a directory listing.
 */
final class Boot {
  /** How long exit codes of removed containers stay available to late waiters. */
  static final Duration KEEP_REMOVED_EXIT_CODES = Duration.ofMinutes(10);

  private Boot() {}

  static void run(RuntimeContext ctx) {
    refreshAfterReboot(ctx);
    reconcileLayers(ctx);
    recoverInterruptedInits(ctx);
    ctx.db().pruneRemovedExitCodes(KEEP_REMOVED_EXIT_CODES);
  }

  /** One process refreshes; others opening at the same moment wait for it, then see alive. */
  private static void refreshAfterReboot(RuntimeContext ctx) {
    Path alive = ctx.layout().aliveFile();
    if (Files.exists(alive)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(ctx.layout().aliveLock(), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); var lock = ch.lock()) {
      if (Files.exists(alive)) {
        return;
      }
      for (ContainerRecord r : ctx.db().loadAll()) {
        try (ContainerLocks.Held held = ctx.locks().acquire(r.id())) {
          if (refresh(r.status())) {
            ctx.db().saveStatus(r.id(), r.status());
          }
          ctx.db().removeExecSessions(r.id(),
              r.execSessions().stream().map(io.berth.ExecSession::id).toList());
        }
      }
      Path temp = alive.resolveSibling(".alive.tmp");
      Files.writeString(temp, Long.toString(ProcessHandle.current().pid()));
      Files.move(temp, alive, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot refresh container states under "
          + ctx.layout().runRoot() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Nothing survives a reboot: what ran has exited (its code unknown unless already recorded),
   * what was created is only configured, and no mount or exec session remains.
   *
   * @return true if anything changed
   */
  static boolean refresh(ContainerStatus s) {
    ContainerState before = s.state;
    killSurvivors(s);
    switch (s.state) {
      case CREATED -> s.state = ContainerState.CONFIGURED;
      case RUNNING, PAUSED, STOPPING -> s.exited(ContainerExit.UNKNOWN, java.time.Instant.now(),
          false, "the host restarted (or Berth's run directory was wiped) while it ran");
      default -> { }
    }
    if (s.state == ContainerState.STOPPED) {
      s.state = ContainerState.EXITED;
    }
    boolean changed = before != s.state || s.pid != 0 || s.conmonPid != 0 || s.rootfsMounted
        || s.userMounts != 0 || s.mountpoint != null;
    s.clearProcesses();
    s.rootfsMounted = false;
    s.userMounts = 0;
    s.mountpoint = null;
    return changed;
  }

  /**
   * Without a reboot (the run root was wiped by hand), conmon and the container may still run,
   * with no runtime state left to stop them through. Their pids and start times identify them
   * exactly, so they are killed; a pid now used by another process is left alone.
   */
  private static void killSurvivors(ContainerStatus s) {
    if (s.conmonPid > 0) {
      new HostProcess(s.conmonPid, s.conmonStartTicks).signal(Signals.SIGKILL);
    }
    if (s.pid > 0 && s.pidStartTicks > 0) {
      HostProcess init = new HostProcess(s.pid, s.pidStartTicks);
      if (init.signal(Signals.SIGKILL)) {
        init.awaitExit(Duration.ofSeconds(10));
      }
    }
  }

  /**
   * A container layer without a record is a leak (records are written before layers and
   * deleted after them), so it is removed. A record without a layer gets a new, empty one if
   * its image is still there, else stays with the reason noted.
   */
  private static void reconcileLayers(RuntimeContext ctx) {
    // Layers first: any layer seen here had its record written before it was created.
    List<ContainerLayer> layers = ctx.store().containerLayers();
    Set<String> records = new HashSet<>(ctx.db().ids());
    Set<String> layerIds = new HashSet<>();
    for (ContainerLayer layer : layers) {
      layerIds.add(layer.id());
      if (!records.contains(layer.id())) {
        RuntimeContext.LOG.log(System.Logger.Level.WARNING, "removing container layer "
            + layer.id() + ": no container record refers to it (a creation was interrupted)");
        try {
          ctx.store().removeContainerLayer(layer.id());
        } catch (StorageException e) {
          RuntimeContext.LOG.log(System.Logger.Level.WARNING, "could not remove leaked layer "
              + layer.id() + ": " + e.getMessage());
        }
      }
    }
    for (String id : records) {
      if (!layerIds.contains(id)) {
        repairMissingLayer(ctx, id);
      }
    }
  }

  private static void repairMissingLayer(RuntimeContext ctx, String id) {
    try (ContainerLocks.Held held = ctx.locks().acquire(id)) {
      var record = ctx.db().load(id);
      if (record.isEmpty() || ctx.store().findContainerLayer(id).isPresent()) {
        return; // removed, or repaired by another process meanwhile
      }
      ContainerStatus s = record.get().status();
      if (s.state == ContainerState.REMOVING) {
        return; // the next removal finishes the job
      }
      try {
        ctx.store().createContainerLayer(id, record.get().imageId());
        s.reason = "its root filesystem was missing and was re-created empty from its image";
      } catch (StorageException e) {
        s.reason = "its root filesystem is missing and cannot be re-created: " + e.getMessage();
        s.state = ContainerState.UNKNOWN;
      }
      RuntimeContext.LOG.log(System.Logger.Level.WARNING, "container " + id + ": " + s.reason);
      ctx.db().saveStatus(id, s);
    }
  }

  /** Configured containers with a run directory were mid-init when their process died. */
  private static void recoverInterruptedInits(RuntimeContext ctx) {
    Path runDirs = ctx.layout().runDirs();
    if (!Files.isDirectory(runDirs)) {
      return;
    }
    Set<String> withRunDir = new HashSet<>();
    try (Stream<Path> dirs = Files.list(runDirs)) {
      dirs.forEach(d -> withRunDir.add(d.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (withRunDir.isEmpty()) {
      return;
    }
    for (String id : ctx.db().idsInState(ContainerState.CONFIGURED)) {
      if (withRunDir.contains(id)) {
        ctx.db().load(id).ifPresent(r -> new DefaultContainer(ctx, r, false).state());
      }
    }
  }
}

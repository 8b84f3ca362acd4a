package io.berth.internal;

import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.oci.OciException;
import io.berth.storage.NoSuchContainerLayerException;
import io.berth.storage.StorageException;
import java.util.Optional;

/**
 * Removes a container: kills it if forced, deletes it from the runtime, frees its rootfs and
 * files, and deletes its record (keeping its exit code for late waiters). Saves REMOVING first,
 * so a removal cut short is finished by the next one instead of leaving a half-removed record.
 */
final class Removal {
  private Removal() {}

  static void remove(DefaultContainer c, boolean force) {
    RuntimeContext ctx = c.ctx();
    String id = c.id();
    if (c.isBatchView() || ctx.locks().isHeldByCurrentThread(id)) {
      throw new ContainerStateException(id, null, "container " + id + " cannot be removed"
          + " inside a batch on it; remove it after the batch returns");
    }
    try (ContainerLocks.Held held = ctx.locks().acquire(id)) {
      c.syncNow();
      ContainerStatus s = c.status();
      boolean running = s.state == ContainerState.RUNNING || s.state == ContainerState.PAUSED
          || s.state == ContainerState.STOPPING;
      if (running && !force) {
        throw new ContainerStateException(id, s.state, "container " + id + " is " + s.state
            + "; stop it first, or remove it with force to kill it");
      }
      if (!c.record().execSessions().isEmpty() && !force) {
        throw new ContainerStateException(id, s.state, "container " + id + " has "
            + c.record().execSessions().size() + " active exec sessions; remove it with force"
            + " to kill them");
      }
      if (s.state.isActive()) {
        Lifecycle.killForRemoval(c);
      }
      s.state = ContainerState.REMOVING;
      c.save();
      try {
        ctx.oci().delete(id, true);
      } catch (OciException e) {
        throw Errors.oci(e, id, ContainerState.REMOVING);
      }
      try {
        ctx.store().removeContainerLayer(id); // unmounts every mount first
      } catch (NoSuchContainerLayerException gone) {
        // Already removed by an earlier, interrupted removal.
      } catch (StorageException e) {
        throw Errors.storage(e, id, ContainerState.REMOVING);
      }
      Recovery.deleteRunFiles(ctx, id);
      Recovery.deleteTree(ctx.layout().bundle(id));
      ctx.db().delete(id, Optional.ofNullable(s.exitCode));
      c.markRemoved();
      ctx.locks().forget(id);
    }
  }
}

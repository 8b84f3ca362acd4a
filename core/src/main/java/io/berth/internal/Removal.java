package io.berth.internal;

import io.berth.ContainerState;
import io.berth.ContainerStateException;
import io.berth.oci.OciException;
import io.berth.storage.NoSuchContainerLayerException;
import io.berth.storage.StorageException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Removes a container: kills it if forced, deletes it from the runtime, frees its rootfs and
 * files, and deletes its record (keeping its exit code for late waiters). Saves REMOVING first,
 * so a removal cut short is finished by the next one instead of leaving a half-removed record.
 */
final class Removal {
  /** Runs runtime deletes beside file removal; daemon threads, created as needed. */
  private static final ExecutorService BACKGROUND = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-remove");
    t.setDaemon(true);
    return t;
  });

  private Removal() {}

  private static void awaitQuietly(CompletableFuture<Void> work) {
    try {
      work.join();
    } catch (CompletionException e) {
      // The first failure is the one reported.
    }
  }

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
      c.saveTransient();
      // The process is gone, so the runtime's delete and the removal of files are independent:
      // run the runtime binary while this thread removes the rootfs.
      CompletableFuture<Void> runtimeDelete =
          CompletableFuture.runAsync(() -> ctx.oci().delete(id, true), BACKGROUND);
      try {
        ctx.store().removeContainerLayer(id); // unmounts every mount first
      } catch (NoSuchContainerLayerException gone) {
        // Already removed by an earlier, interrupted removal.
      } catch (StorageException e) {
        awaitQuietly(runtimeDelete);
        throw Errors.storage(e, id, ContainerState.REMOVING);
      }
      Recovery.deleteTree(ctx.layout().bundle(id));
      try {
        runtimeDelete.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof OciException oe) {
          throw Errors.oci(oe, id, ContainerState.REMOVING);
        }
        throw e;
      }
      Recovery.deleteRunFiles(ctx, id);
      ctx.db().delete(id, Optional.ofNullable(s.exitCode));
      c.markRemoved();
      ctx.locks().forget(id);
    }
  }
}

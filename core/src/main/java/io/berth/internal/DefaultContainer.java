package io.berth.internal;

import io.berth.AttachOptions;
import io.berth.Attachment;
import io.berth.CommitOptions;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.ContainerInspect;
import io.berth.ContainerRemovedException;
import io.berth.ContainerState;
import io.berth.ExecConfig;
import io.berth.ExecResult;
import io.berth.oci.LogLine;
import io.berth.storage.Image;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * The {@link Container} handle. Each public call runs the reference design's sequence: lock,
 * sync, act, save, unlock. A batch view (made by {@link #batch}) shares the caller's lock and
 * skips both steps; its record is a private copy that only the batch thread touches.
 *
 * <p>The cached {@link #record} is read and replaced only while the container's lock is held,
 * which orders every access between threads.
 */
final class DefaultContainer implements Container {
  private final RuntimeContext ctx;
  private final String id;
  private final String name;
  private final ContainerConfig config;
  private final boolean batchView;
  private ContainerRecord record;
  private volatile boolean removed;
  private volatile boolean batchOver;

  DefaultContainer(RuntimeContext ctx, ContainerRecord record, boolean batchView) {
    this.ctx = ctx;
    this.id = record.id();
    this.name = record.name();
    this.config = record.config();
    this.record = record;
    this.batchView = batchView;
  }

  // ---- what Lifecycle and the runtime use -------------------------------------------------

  RuntimeContext ctx() {
    return ctx;
  }

  /** The record as last synced; only under the lock. */
  ContainerRecord record() {
    return record;
  }

  ContainerStatus status() {
    return record.status();
  }

  /** Saves the status; a vanished row means the container was removed meanwhile. */
  void save() {
    save(true);
  }

  /**
   * Saves a state that a power loss would make meaningless anyway (RUNNING, and passing ones:
   * STOPPING, REMOVING) without waiting for the disk.
   */
  void saveTransient() {
    save(false);
  }

  private void save(boolean durable) {
    if (!ctx.db().saveStatus(id, record.status(), durable)) {
      markRemoved();
      throw new ContainerRemovedException(id);
    }
  }

  /** Re-reads the record and folds in what conmon and the runtime say happened since. */
  void syncNow() {
    StateDb.Live live = ctx.db().loadLive(id).orElseThrow(() -> {
      markRemoved();
      return new ContainerRemovedException(id);
    });
    // The config never changes, so only the live part is read back.
    record = new ContainerRecord(id, name, record.imageId(), record.createdAt(), config,
        live.status(), live.execSessions());
    Sync.reconcile(this);
  }

  /** Replaces the exec sessions of the cached record (after the DB rows changed). */
  void syncedSessions(List<io.berth.ExecSession> sessions) {
    record = new ContainerRecord(id, name, record.imageId(), record.createdAt(), config,
        record.status(), List.copyOf(sessions));
  }

  void markRemoved() {
    removed = true;
  }

  boolean isBatchView() {
    return batchView;
  }

  /**
   * Runs {@code action} under the container's lock after a sync; in a batch view, runs it
   * directly.
   */
  <T> T locked(Function<DefaultContainer, T> action) {
    checkUsable();
    if (batchView) {
      return action.apply(this);
    }
    try (ContainerLocks.Held held = ctx.locks().acquire(id)) {
      syncNow();
      return action.apply(this);
    }
  }

  /** As {@link #locked}, but a batch view syncs too: for the step after an unlocked wait. */
  <T> T relocked(Function<DefaultContainer, T> action) {
    if (batchView) {
      checkUsable();
      syncNow();
      return action.apply(this);
    }
    return locked(action);
  }

  private void checkUsable() {
    ctx.ensureOpen();
    if (removed) {
      throw new ContainerRemovedException(id);
    }
    if (batchOver) {
      throw new IllegalStateException("this handle belonged to a batch that has ended; use the"
          + " container handle the batch was started from");
    }
  }

  // ---- Container ---------------------------------------------------------------------------

  @Override
  public String id() {
    return id;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ContainerConfig config() {
    return config;
  }

  @Override
  public ContainerState state() {
    return locked(c -> c.status().state);
  }

  @Override
  public void init() {
    locked(c -> {
      Lifecycle.init(c);
      return null;
    });
  }

  @Override
  public void start() {
    locked(c -> {
      Lifecycle.start(c);
      return null;
    });
  }

  @Override
  public Attachment startAndAttach(AttachOptions options) {
    return locked(c -> Attach.startAndAttach(c, options));
  }

  @Override
  public Attachment attach(AttachOptions options) {
    return locked(c -> Attach.attach(c, options));
  }

  @Override
  public void stop() {
    stop(config.stopTimeout());
  }

  @Override
  public void stop(Duration timeout) {
    Lifecycle.stop(this, Durations.check(timeout, "timeout"));
  }

  @Override
  public void kill(int signal) {
    locked(c -> {
      Lifecycle.kill(c, signal);
      return null;
    });
  }

  @Override
  public void pause() {
    locked(c -> {
      Lifecycle.pause(c);
      return null;
    });
  }

  @Override
  public void unpause() {
    locked(c -> {
      Lifecycle.unpause(c);
      return null;
    });
  }

  @Override
  public ExecResult exec(ExecConfig config) {
    return Exec.run(this, config, null);
  }

  @Override
  public ExecResult exec(ExecConfig config, Duration timeout) {
    return Exec.run(this, config, Durations.check(timeout, "timeout"));
  }

  @Override
  public Path mount() {
    return locked(Mounts::mount);
  }

  @Override
  public void unmount() {
    locked(c -> {
      Mounts.unmount(c);
      return null;
    });
  }

  @Override
  public void export(Path target) {
    locked(c -> {
      Mounts.export(c, target);
      return null;
    });
  }

  @Override
  public void export(OutputStream out) {
    locked(c -> {
      Mounts.export(c, out);
      return null;
    });
  }

  @Override
  public void addArtifact(String artifactName, byte[] data) {
    locked(c -> {
      Artifacts.add(c, artifactName, data);
      return null;
    });
  }

  @Override
  public byte[] artifact(String artifactName) {
    return locked(c -> Artifacts.read(c, artifactName));
  }

  @Override
  public void removeArtifact(String artifactName) {
    locked(c -> {
      Artifacts.remove(c, artifactName);
      return null;
    });
  }

  @Override
  public ContainerInspect inspect(boolean size) {
    return locked(c -> Inspection.inspect(c, size));
  }

  @Override
  public Image commit(CommitOptions options) {
    return locked(c -> Mounts.commit(c, options));
  }

  @Override
  public int waitForExit() {
    return Wait.forExit(this, null).getAsInt();
  }

  @Override
  public OptionalInt waitForExit(Duration timeout) {
    return Wait.forExit(this, Durations.check(timeout, "timeout"));
  }

  @Override
  public List<LogLine> logs() {
    return locked(c -> Inspection.logs(c));
  }

  @Override
  public void cleanup() {
    locked(c -> {
      Lifecycle.cleanup(c);
      return null;
    });
  }

  @Override
  public <T> T batch(Function<Container, T> fn) {
    java.util.Objects.requireNonNull(fn, "fn");
    if (batchView) {
      return fn.apply(this); // already locked and synced by the enclosing batch
    }
    checkUsable();
    try (ContainerLocks.Held held = ctx.locks().acquire(id)) {
      syncNow();
      DefaultContainer view = new DefaultContainer(ctx,
          new ContainerRecord(id, name, record.imageId(), record.createdAt(), config,
              record.status().copy(), record.execSessions()), true);
      try {
        return fn.apply(view);
      } finally {
        view.batchOver = true;
        if (view.removed) {
          removed = true;
        }
      }
    }
  }

  @Override
  public void sync() {
    if (batchView) {
      checkUsable();
      syncNow();
    }
  }

  @Override
  public String toString() {
    return "Container{" + id.substring(0, 12) + ", " + name + "}";
  }
}

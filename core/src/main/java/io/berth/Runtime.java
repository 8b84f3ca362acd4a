package io.berth;

import io.berth.internal.DefaultRuntime;
import io.berth.internal.RuntimeOptions;
import io.berth.storage.ArchiveLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Berth's entry point: a store of images and containers on one root, driven by one OCI runtime.
 * There is no daemon: the containers run under conmon and outlive this object and the JVM.
 *
 * <p>A Runtime is thread-safe; one per root per JVM is typical, and several JVMs may open the
 * same root at once (they coordinate through file locks and the state database). Close it
 * when done: that releases its database connection and files, and never stops containers.
 */
public interface Runtime extends AutoCloseable {

  /** Opens the default root: {@code /var/lib/berth} and {@code /run/berth} for root. */
  static Runtime open() {
    return builder().build();
  }

  static Builder builder() {
    return new Builder();
  }

  /** Creates a container in state {@code CONFIGURED}: image resolved, rootfs made, record saved. */
  Container newContainer(ContainerConfig config);

  /**
   * Finds a container by full id, name or unique id prefix.
   *
   * @throws NoSuchContainerException if nothing matches
   * @throws AmbiguousContainerException if a prefix matches several
   */
  Container lookupContainer(String idOrName);

  /** As {@link #lookupContainer}, empty when nothing matches. */
  Optional<Container> findContainer(String idOrName);

  /** All containers, in creation order. */
  List<Container> containers();

  /** The containers {@code filter} accepts, in creation order. */
  List<Container> containers(Predicate<Container> filter);

  /**
   * Removes a container: runtime state, rootfs, bundle, artifacts and record. Refused while it
   * runs or is paused unless {@code force}, which kills it first.
   */
  void removeContainer(Container container, boolean force);

  Images images();

  Path root();

  Path runRoot();

  /** The OCI runtime in use, like {@code crun}. */
  String ociRuntime();

  /** The storage driver in use, {@code overlay} or {@code vfs}. */
  String storageDriver();

  @Override
  void close();

  /**
   * Configures and opens a {@link Runtime}. Each setting may be given once; unset settings are
   * detected: crun if it works on this host, else runc; the driver an existing store was made
   * with, or for a new one overlay if the kernel allows, else vfs; conmon on PATH or in podman's
   * libexec directories.
   */
  final class Builder {
    private Path root;
    private Path runRoot;
    private String ociRuntime;
    private String storageDriver;
    private Path conmon;
    private Duration dbBusyTimeout;
    private ArchiveLimits archiveLimits;

    private Builder() {}

    /** Persistent data: images, layers, container records. */
    public Builder root(Path root) {
      Settings.once(this.root, "root");
      this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
      return this;
    }

    /** Volatile data (ideally tmpfs): locks, exit files, runtime state. */
    public Builder runRoot(Path runRoot) {
      Settings.once(this.runRoot, "runRoot");
      this.runRoot = Objects.requireNonNull(runRoot, "runRoot").toAbsolutePath().normalize();
      return this;
    }

    /** The OCI runtime: a name on PATH ({@code runc}, {@code crun}) or a path to a binary. */
    public Builder ociRuntime(String nameOrPath) {
      Settings.once(this.ociRuntime, "ociRuntime");
      this.ociRuntime = Settings.requireText(nameOrPath, "ociRuntime");
      return this;
    }

    /** {@code overlay} or {@code vfs}. */
    public Builder storageDriver(String driver) {
      Settings.once(this.storageDriver, "storageDriver");
      Settings.requireText(driver, "storageDriver");
      if (!driver.equals("overlay") && !driver.equals("vfs")) {
        throw new IllegalArgumentException("unknown storage driver '" + driver
            + "': use overlay or vfs");
      }
      this.storageDriver = driver;
      return this;
    }

    public Builder conmon(Path conmon) {
      Settings.once(this.conmon, "conmon");
      this.conmon = Objects.requireNonNull(conmon, "conmon");
      return this;
    }

    /** How long a call waits for another process's database transaction; default 30 s. */
    public Builder databaseBusyTimeout(Duration timeout) {
      Settings.once(this.dbBusyTimeout, "databaseBusyTimeout");
      this.dbBusyTimeout = Settings.nonNegative(timeout, "databaseBusyTimeout");
      return this;
    }

    /**
     * Opens the runtime: creates the directories, opens the state database, refreshes states
     * after a reboot and reconciles storage with the records.
     *
     * @throws BerthException naming what is missing (runtime binary, conmon, permissions)
     */
    /**
     * Caps on what an imported or loaded archive may contain (sizes, entry counts, path
     * lengths, decompression window, JSON depth); {@link ArchiveLimits#defaults()} when unset.
     * Raise a cap here when a trusted image exceeds it; the error that stops it names the cap.
     */
    public Builder archiveLimits(ArchiveLimits limits) {
      Settings.once(this.archiveLimits, "archiveLimits");
      this.archiveLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    public Runtime build() {
      return DefaultRuntime.open(new RuntimeOptions(Optional.ofNullable(root),
          Optional.ofNullable(runRoot), Optional.ofNullable(ociRuntime),
          Optional.ofNullable(storageDriver), Optional.ofNullable(conmon),
          Optional.ofNullable(dbBusyTimeout), Optional.ofNullable(archiveLimits)));
    }
  }
}

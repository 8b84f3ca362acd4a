package io.berth.storage;

import io.berth.storage.internal.DefaultStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Berth's image and layer store: content-addressed blobs, read-only layers unpacked once and
 * shared, images, and the read-write layers under containers.
 *
 * <p>Open one with {@link #builder()}. A store is thread-safe; one instance per root per JVM
 * is typical, but several instances and several processes may open the same root: every
 * change takes one store-wide lock (an in-process lock plus an {@code fcntl} lock on a file
 * under the root), so changes never interleave. Reads see the last committed state.
 *
 * <p>Every call that changes the store either completes or leaves the store as it was: a
 * failed import leaves no blob, layer or image behind. Failures are {@link StorageException}s
 * (unchecked) with specific subclasses.
 *
 * <p>{@link #close()} releases the lock file and the metadata database; it does not unmount
 * anything, so containers keep running on their root filesystems.
 */
public interface Store extends AutoCloseable {

  /** A builder for a store; {@link Builder#root} and {@link Builder#runRoot} are required. */
  static Builder builder() {
    return new Builder();
  }

  /** The driver in use: {@code overlay}, {@code vfs} or a custom driver's name. */
  String driverName();

  /** The store's persistent directory. */
  Path root();

  // ---- images ----

  /**
   * Makes a one-layer image of a root filesystem tarball (plain, gzip or zstd), like
   * {@code podman import}. The tarball is read once.
   *
   * @throws ImageFormatException if it is not a valid tar
   * @throws UnsafeArchiveEntryException if an entry tries to leave the root
   */
  Image importRootfs(Path tarball, ImageOptions options);

  /**
   * As {@link #importRootfs(Path, ImageOptions)}, reading the tarball from a stream, which
   * is read to its end and not closed. If the stream fails midway, nothing is stored.
   */
  Image importRootfs(InputStream tarball, ImageOptions options);

  /**
   * Loads every image in a docker-archive, an oci-archive or an OCI image layout directory,
   * detected from the content. Every blob is checked against its digest before the image is
   * committed; layers the store already has are not unpacked again.
   *
   * @return the loaded images, in the archive's order
   * @throws ImageFormatException if the archive is not one of the formats or is inconsistent
   * @throws DigestMismatchException if content does not match its digest
   */
  List<Image> load(Path archiveOrLayout);

  /**
   * Writes images to {@code target} in {@code format}. Each element is a name (which is
   * written as that image's tag) or an id; several names of one image give one image with
   * several tags. An archive target is replaced atomically; a layout directory is created or
   * added to.
   *
   * @throws NoSuchImageException if one of them does not exist
   */
  void save(List<String> namesOrIds, Path target, ArchiveFormat format);

  /** As {@link #save(List, Path, ArchiveFormat)} for one image. */
  default void save(String nameOrId, Path target, ArchiveFormat format) {
    save(List.of(Objects.requireNonNull(nameOrId, "nameOrId")), target, format);
  }

  /** Every image, oldest first. */
  List<Image> images();

  /**
   * Finds an image by normalised name ({@code busybox} matches
   * {@code docker.io/library/busybox:latest}), full id, {@code sha256:}-prefixed id, or a
   * unique id prefix of at least 3 hex digits.
   */
  Optional<Image> findImage(String nameOrId);

  /** As {@link #findImage}, failing when nothing matches. */
  Image image(String nameOrId);

  /**
   * Adds a name to an image, taking it away from any other image that had it.
   *
   * @return the image as it is now
   */
  Image tag(String nameOrId, String reference);

  /**
   * Removes a name from its image; the image itself stays.
   *
   * @return the image as it is now
   * @throws NoSuchImageException if no image has the name
   */
  Image untag(String reference);

  /**
   * Removes an image with all its names, and the layers and blobs no other image uses.
   *
   * @throws ImageInUseException while a container layer is based on it
   */
  void removeImage(String nameOrId);

  /** Every read-only layer, bottom layers first. */
  List<Layer> layers();

  /** The read-only layer with this id, if the store has it. */
  Optional<Layer> findLayer(String layerId);

  /**
   * Removes a read-only layer that nothing uses any more (one an interrupted operation left
   * behind; layers normally go with the last image that uses them), with its blob unless an
   * image still lists it.
   *
   * @throws LayerInUseException while an image lists the layer or another layer builds on it
   * @throws NoSuchLayerException if the store has no such layer
   */
  void removeLayer(String layerId);

  // ---- container root filesystems ----

  /**
   * Creates the read-write layer for container {@code containerId} on top of the image's top
   * layer. Constant time in the image's size with the overlay driver.
   *
   * @param containerId 64 lowercase hex digits, chosen by the caller
   * @throws ContainerLayerExistsException if the container already has one
   * @throws NoSuchImageException if the image does not exist
   */
  ContainerLayer createContainerLayer(String containerId, String imageId);

  /**
   * The container's read-write layer, if it has one. With {@link #containerLayers()}, this is
   * what a caller needs to reconcile its own container records with the store after a crash.
   */
  Optional<ContainerLayer> findContainerLayer(String containerId);

  /** As {@link #findContainerLayer}, failing when there is none. */
  ContainerLayer containerLayer(String containerId);

  /** Every container layer, in creation order. */
  List<ContainerLayer> containerLayers();

  /**
   * Mounts the container's root filesystem (or counts one more user of the mount) and returns
   * the directory; the same path every time.
   */
  Path mount(String containerId);

  /**
   * Counts one user less of the mount, or with {@code force} drops the count to zero; at zero
   * the root filesystem is unmounted. Unmounting an unmounted layer does nothing.
   */
  void unmount(String containerId, boolean force);

  /** How many users the mount has; 0 when unmounted. */
  int mountCount(String containerId);

  /** Bytes of the read-write layer's own contents (what the container added or changed). */
  long size(String containerId);

  /**
   * Writes the container's changes to {@code out} as an OCI layer tar (uncompressed): added
   * and modified paths, and a {@code .wh.} whiteout for each deletion. Sorted entries, numeric
   * owners. {@code out} is not closed.
   */
  default void diff(String containerId, OutputStream out) {
    diff(containerId, out, TarOptions.defaults());
  }

  /** As {@link #diff(String, OutputStream)}, with a fixed mtime if the options say so. */
  void diff(String containerId, OutputStream out, TarOptions options);

  /**
   * Writes the container's whole root filesystem to {@code out} as a tar, mounting it for the
   * time of the call if needed. Symlinks, devices and fifos are header-only entries, never
   * opened. {@code out} is not closed.
   */
  default void export(String containerId, OutputStream out) {
    export(containerId, out, TarOptions.defaults());
  }

  /** As {@link #export(String, OutputStream)}, with a fixed mtime if the options say so. */
  void export(String containerId, OutputStream out, TarOptions options);

  /**
   * Makes a new image of the container's image plus the container's changes as one more
   * layer, with the options' config changes.
   */
  Image commit(String containerId, ImageOptions options);

  /**
   * Unmounts (forcibly) and removes the container's read-write layer.
   *
   * @throws NoSuchContainerLayerException if the container has none
   */
  void removeContainerLayer(String containerId);

  /** Releases the lock file and the database. Mounts stay. Idempotent. */
  @Override
  void close();

  /**
   * Builds a {@link Store}. Each setting may be made once ({@link IllegalStateException}
   * otherwise); {@link #root} and {@link #runRoot} are required. Not thread-safe.
   */
  final class Builder {
    private Path root;
    private Path runRoot;
    private String driverName;
    private StorageDriver driver;
    private ArchiveLimits limits;
    private Duration lockTimeout;

    private Builder() {}

    /**
     * The store's persistent directory, like {@code /var/lib/berth/storage}. The store owns
     * everything under it. Created if missing.
     */
    public Builder root(Path root) {
      Checks.once(this.root != null, "root");
      this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
      return this;
    }

    /**
     * The store's volatile directory, like {@code /run/berth/storage}, ideally on a tmpfs:
     * mount counts live here so that they reset with a reboot.
     */
    public Builder runRoot(Path runRoot) {
      Checks.once(this.runRoot != null, "runRoot");
      this.runRoot = Objects.requireNonNull(runRoot, "runRoot").toAbsolutePath().normalize();
      return this;
    }

    /**
     * {@code overlay} or {@code vfs}. If not set, a store keeps the driver it was made with,
     * and a new store uses {@code overlay}.
     */
    public Builder driver(String name) {
      Checks.once(this.driverName != null || this.driver != null, "driver");
      Objects.requireNonNull(name, "driver");
      if (!name.equals("overlay") && !name.equals("vfs")) {
        throw new IllegalArgumentException("unknown storage driver '" + name
            + "'; use 'overlay' or 'vfs', or pass a StorageDriver");
      }
      this.driverName = name;
      return this;
    }

    /** A custom driver. */
    public Builder driver(StorageDriver driver) {
      Checks.once(this.driverName != null || this.driver != null, "driver");
      this.driver = Objects.requireNonNull(driver, "driver");
      return this;
    }

    /** Caps for archives read by the store; {@link ArchiveLimits#defaults()} if not set. */
    public Builder limits(ArchiveLimits limits) {
      Checks.once(this.limits != null, "limits");
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How long a change waits for the store lock held by another thread or process before
     * failing with {@link StoreLockTimeoutException}; default: wait as long as it takes.
     */
    public Builder lockTimeout(Duration timeout) {
      Checks.once(this.lockTimeout != null, "lockTimeout");
      Objects.requireNonNull(timeout, "lockTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("lockTimeout must not be negative: " + timeout);
      }
      this.lockTimeout = timeout;
      return this;
    }

    /**
     * Opens the store: creates the directories, opens the metadata, removes what an earlier
     * crash left half-done, and reconciles mount counts with the kernel's mount table.
     *
     * @throws IllegalStateException if root or runRoot is missing
     * @throws DriverUnavailableException if the driver cannot work here (the message says to
     *     use vfs) or the store was made with another driver
     * @throws StorageException if the store cannot be opened for another reason, like damaged
     *     metadata ({@link CorruptStoreException}) or a lock held too long
     */
    public Store build() {
      if (root == null || runRoot == null) {
        throw new IllegalStateException("Store.Builder needs "
            + (root == null ? "root" : "runRoot") + " to be set");
      }
      return DefaultStore.open(root, runRoot, Optional.ofNullable(driver),
          Optional.ofNullable(driverName),
          Optional.ofNullable(limits).orElse(ArchiveLimits.defaults()),
          Optional.ofNullable(lockTimeout));
    }
  }
}

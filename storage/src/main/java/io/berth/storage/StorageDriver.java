package io.berth.storage;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How layers are laid out on disk and stacked into a container's root filesystem. Berth ships
 * {@code overlay} (kernel overlayfs, the default) and {@code vfs} (full copies, works on any
 * filesystem); an application may implement its own and pass it to
 * {@link Store.Builder#driver(StorageDriver)}.
 *
 * <p>The store owns the metadata and does all archive work itself: it asks the driver for a
 * layer's content directory and unpacks tars into it safely, writing deletions in the
 * driver's {@link #whiteoutFormat()}; for {@link Store#diff} it asks the driver for the
 * layer's {@link #changes} and reads the new content from the content directory.
 *
 * <p>Threading: the store calls every method that changes something ({@code create},
 * {@code mount}, {@code unmount}, {@code remove}) while holding its store-wide lock, so those
 * never run concurrently for one store root, in this process or in another. Read-only
 * methods may be called from any thread at any time. One driver instance serves one store;
 * the store calls {@link #open} once before anything else and {@link #close} when it closes.
 */
public interface StorageDriver extends AutoCloseable {

  /** How a layer's content directory records that a path of a lower layer is deleted. */
  enum WhiteoutFormat {
    /**
     * As overlayfs does: a 0:0 character device for a deleted path, and the
     * {@code trusted.overlay.opaque=y} xattr on a directory that hides the lower contents.
     * The content directory holds only this layer's changes.
     */
    OVERLAY,
    /**
     * The content directory holds the layer's whole tree, starting as a copy of its parent's:
     * a deleted path is simply removed.
     */
    APPLY
  }

  /** The driver's name, like {@code overlay}. Lowercase letters and digits. */
  String name();

  /**
   * Prepares {@code home}, a directory the store gives this driver alone (it exists and may
   * hold layers from earlier runs), and checks the driver can work there.
   *
   * @throws DriverUnavailableException if it cannot, saying what to use instead
   */
  void open(Path home);

  WhiteoutFormat whiteoutFormat();

  /**
   * Creates layer {@code id} on top of {@code parent} (a layer this driver created before), or
   * an empty base layer. {@code parent}'s own parents are known to the driver. On failure,
   * nothing of the new layer is left.
   *
   * @param readWrite true for a container's read-write layer, which will be mounted and
   *     written to; false for an image layer, which the store fills once and never changes
   */
  void create(String id, Optional<String> parent, boolean readWrite);

  /**
   * The directory holding the layer's own content: where the store unpacks a layer's tar,
   * and whence it reads what {@link #changes} reports.
   */
  Path contentDir(String id);

  /**
   * Makes the layer's full root filesystem (it and all its parents) visible at one path and
   * returns it. Called when the store's mount count for the layer goes from 0 to 1.
   */
  Path mount(String id);

  /** Undoes {@link #mount}. Called when the store's mount count for the layer drops to 0. */
  void unmount(String id);

  /**
   * Whether {@link #mount} makes a kernel mount. If not (like {@code vfs}, whose layers are
   * plain directories), the store's mount counts are the only truth and are not reconciled
   * with the kernel's mount table.
   */
  default boolean usesKernelMounts() {
    return true;
  }

  /**
   * Whether the layer is mounted now, as the kernel sees it (for reconciling after a crash).
   * Only called if {@link #usesKernelMounts()}.
   */
  boolean isMounted(String id);

  /**
   * Which of {@code ids} are mounted now. Recovery asks this once for every container layer;
   * override it when one look at the mount table can answer for all of them.
   */
  default Set<String> mountedAmong(Collection<String> ids) {
    Set<String> mounted = new HashSet<>();
    for (String id : ids) {
      if (isMounted(id)) {
        mounted.add(id);
      }
    }
    return mounted;
  }

  /** What the layer changes relative to its parent, sorted by path. */
  List<LayerChange> changes(String id);

  /** Removes the layer (unmounted first by the store) and all its files. Idempotent. */
  void remove(String id);

  /** The ids of every layer this driver has on disk, for finding orphans after a crash. */
  Set<String> layerIds();

  /** Releases what {@link #open} acquired. Layers stay on disk. */
  @Override
  default void close() {}
}

package io.berth;

import io.berth.storage.ArchiveFormat;
import io.berth.storage.Image;
import io.berth.storage.ImageOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The images of a {@link Runtime}'s store. Thread-safe; shares the runtime's lifetime. Store
 * failures surface as {@link NoSuchImageException}, {@link ImageInUseException} or
 * {@link StorageFailureException} (whose cause is the store's specific exception).
 */
public interface Images {
  /** Makes a one-layer image of a root filesystem tarball, like {@code podman import}. */
  Image importRootfs(Path tarball, String reference);

  Image importRootfs(Path tarball, ImageOptions options);

  /** Loads every image in a docker-archive, an oci-archive or an OCI layout directory. */
  List<Image> load(Path archiveOrLayout);

  /** Saves one image, with all its names, in the given format. */
  void save(String nameOrId, Path target, ArchiveFormat format);

  /** Saves several images (or names of one image) into one archive. */
  void save(List<String> namesOrIds, Path target, ArchiveFormat format);

  List<Image> list();

  /** @throws NoSuchImageException if nothing matches */
  Image lookup(String nameOrId);

  Optional<Image> find(String nameOrId);

  /** Adds a name to an image and returns the updated image. */
  Image tag(String nameOrId, String reference);

  /** Removes one name; the image stays while it has other names or ids refer to it. */
  Image untag(String reference);

  /** @throws ImageInUseException while containers use it */
  void remove(String nameOrId);
}

package io.berth.storage;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The read-write layer under one container's root filesystem. A snapshot: mounting or
 * unmounting later does not change this value. Immutable.
 *
 * @param id the container's id (chosen by the caller, 64 hex digits)
 * @param imageId the image the container is based on
 * @param layerId the store's id of the read-write layer
 * @param mountpoint where the root filesystem is mounted, while it is
 */
public record ContainerLayer(String id, String imageId, String layerId,
    Optional<Path> mountpoint) {

  public ContainerLayer {
    Checks.id(id, "container id");
    Checks.id(imageId, "image id");
    Checks.id(layerId, "layer id");
    Objects.requireNonNull(mountpoint, "mountpoint");
  }
}

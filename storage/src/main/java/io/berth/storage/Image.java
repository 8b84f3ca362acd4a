package io.berth.storage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An image in the store: a config and the layers it runs on. A snapshot: tagging or removing
 * the image later does not change this value. Immutable and freely shareable.
 *
 * @param id the sha256 of the image's config JSON, 64 hex digits without {@code sha256:}
 * @param names normalised references, like {@code docker.io/library/busybox:latest}; empty for
 *     an untagged image
 * @param digest the digest of the image's manifest, {@code sha256:...}, when it has one
 * @param config the image's config
 * @param layerIds the store's ids of the image's layers, bottom to top
 * @param created when the image was created (the config's {@code created}), or when it came
 *     into the store if the config does not say
 * @param size the uncompressed size in bytes of all its layers
 */
public record Image(String id, List<String> names, Optional<String> digest, ImageConfig config,
    List<String> layerIds, Instant created, long size) {

  public Image {
    Checks.id(id, "image id");
    names = List.copyOf(names);
    Objects.requireNonNull(digest, "digest");
    digest.ifPresent(d -> Checks.digest(d, "image digest"));
    Objects.requireNonNull(config, "config");
    layerIds = List.copyOf(layerIds);
    Objects.requireNonNull(created, "created");
    if (size < 0) {
      throw new IllegalArgumentException("image size must not be negative: " + size);
    }
  }

  /** The id of the top layer, on which containers of this image are based. */
  public Optional<String> topLayerId() {
    return layerIds.isEmpty() ? Optional.empty() : Optional.of(layerIds.get(layerIds.size() - 1));
  }
}

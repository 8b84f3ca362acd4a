package io.berth.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A read-only layer in the store, unpacked once and shared by every image and container that
 * builds on it. Immutable.
 *
 * @param id the store's id of the layer, 64 hex digits
 * @param parent the layer below, if any
 * @param diffId sha256 of the layer's uncompressed tar, {@code sha256:...}
 * @param compressedDigest digest of the blob the layer came from, when the store keeps one
 * @param size the uncompressed size in bytes of the layer's tar
 * @param created when the layer came into the store
 */
public record Layer(String id, Optional<String> parent, String diffId,
    Optional<String> compressedDigest, long size, Instant created) {

  public Layer {
    Checks.id(id, "layer id");
    Objects.requireNonNull(parent, "parent");
    parent.ifPresent(p -> Checks.id(p, "parent layer id"));
    Checks.digest(diffId, "diff id");
    Objects.requireNonNull(compressedDigest, "compressedDigest");
    compressedDigest.ifPresent(d -> Checks.digest(d, "compressed digest"));
    Objects.requireNonNull(created, "created");
  }
}

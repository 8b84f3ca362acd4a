package io.berth.oci;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host file or directory made visible inside the container.
 *
 * @param source the host path; must exist when the bundle is written
 * @param destination where it appears inside the container
 * @param readOnly whether the container may not write through it
 */
public record BindMount(Path source, ContainerPath destination, boolean readOnly) {
  public BindMount {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
    if (destination.equals(ContainerPath.ROOT)) {
      throw new IllegalArgumentException("a bind mount cannot replace the container's root '/'"
          + " (source " + source + ")");
    }
  }

  /** A bind mount of {@code source} at {@code destination}. */
  public static BindMount of(Path source, ContainerPath destination, boolean readOnly) {
    return new BindMount(source, destination, readOnly);
  }
}

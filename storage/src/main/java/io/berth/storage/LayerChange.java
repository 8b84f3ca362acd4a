package io.berth.storage;

import java.util.Objects;

/**
 * One change a layer makes to the layers below it, as a {@link StorageDriver} reports it.
 * Immutable.
 *
 * @param path the path relative to the layer's root, {@code /}-separated, without a leading
 *     {@code ./} or {@code /}, never {@code ..}
 * @param kind what happened to it
 */
public record LayerChange(String path, Kind kind) {

  /** What a layer did to a path. */
  public enum Kind {
    /** Added or modified: the layer's content directory holds the new version. */
    CHANGED,
    /** A directory that is new or changed and hides everything the lower layers had in it. */
    OPAQUE_DIRECTORY,
    /** Deleted: the lower layers had it, this layer hides it. */
    DELETED
  }

  public LayerChange {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(kind, "kind");
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("change path must be relative and plain: '" + path + "'");
    }
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("change path must be relative and plain: '" + path
            + "'");
      }
    }
  }
}

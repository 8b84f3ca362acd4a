package io.berth.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An absolute path inside a container, like {@code /usr/bin}: always starts with {@code /},
 * normalised (no empty or {@code .} segments, no trailing slash) and never contains {@code ..},
 * so it cannot climb out of the container's root however it is later joined.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class ContainerPath implements Comparable<ContainerPath> {
  /** The container's root directory, {@code /}. */
  public static final ContainerPath ROOT = new ContainerPath("/");

  private final String path;

  private ContainerPath(String path) {
    this.path = path;
  }

  /**
   * Parses an absolute container path. Repeated slashes and {@code .} segments are dropped.
   *
   * @throws IllegalArgumentException if the path is empty, relative, contains {@code ..} or a NUL
   */
  public static ContainerPath of(String path) {
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException(
          "container path must be absolute (start with '/'): '" + path + "'");
    }
    return join(List.of(), path, path);
  }

  /**
   * Joins a relative path onto this one, like {@code of("/usr").resolve("local/bin")}.
   *
   * @throws IllegalArgumentException if {@code relative} is absolute, or contains {@code ..} or
   *     a NUL
   */
  public ContainerPath resolve(String relative) {
    Objects.requireNonNull(relative, "relative");
    if (relative.startsWith("/")) {
      throw new IllegalArgumentException(
          "cannot resolve absolute path '" + relative + "' against " + path);
    }
    return join(segments(), relative, relative);
  }

  private static ContainerPath join(List<String> base, String more, String original) {
    if (more.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("container path contains a NUL character: '"
          + original.replace('\0', '?') + "'");
    }
    List<String> parts = new ArrayList<>(base);
    for (String part : more.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new IllegalArgumentException(
            "container path must not contain '..': '" + original + "'");
      }
      parts.add(part);
    }
    return parts.isEmpty() ? ROOT : new ContainerPath("/" + String.join("/", parts));
  }

  /** The segments after the root, e.g. {@code [usr, bin]} for {@code /usr/bin}; empty for root. */
  public List<String> segments() {
    return path.equals("/") ? List.of() : List.of(path.substring(1).split("/"));
  }

  /** Whether this path is {@code other} or lies below it. */
  public boolean startsWith(ContainerPath other) {
    return other.path.equals("/") || path.equals(other.path) || path.startsWith(other.path + "/");
  }

  @Override
  public int compareTo(ContainerPath other) {
    return path.compareTo(other.path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContainerPath && ((ContainerPath) o).path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** The path as a string, e.g. {@code /usr/bin}. */
  @Override
  public String toString() {
    return path;
  }
}

package io.berth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The bench's private temporary directory: Berth roots, podman's store, bundles, generated
 * files. Closing it unmounts anything a tool left mounted inside (and says so), then deletes it.
 */
final class Workspace implements AutoCloseable {
  /** Prefix of {@link #shortDir}s, directly under /tmp. */
  static final String SHORT_PREFIX = "berth-bench-run-";

  private final Path dir;
  private final Cmd cmd;
  private Path shortDir;

  Workspace(Path parent) throws IOException {
    Files.createDirectories(parent);
    this.dir = Files.createTempDirectory(parent, "berth-bench-").toRealPath();
    this.cmd = new Cmd(dir(".logs"), Map.of());
  }

  Path root() {
    return dir;
  }

  /** {@code <workspace>/name}, created if missing. */
  Path dir(String name) {
    try {
      return Files.createDirectories(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A directory with a short path, for tools that put sockets under it (podman refuses a run
   * root longer than 50 characters); removed with the workspace.
   */
  Path shortDir() {
    if (shortDir == null) {
      try {
        shortDir = Files.createTempDirectory(Path.of("/tmp"), SHORT_PREFIX).toRealPath();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shortDir;
  }

  /** A command runner whose error logs live here. */
  Cmd cmd(Map<String, String> env) {
    return new Cmd(dir(".logs"), env);
  }

  /** Deletes a tree with {@code rm}, which never crosses into a mount and is fast on big trees. */
  void delete(Path path) {
    if (!path.startsWith(dir)) {
      throw new IllegalArgumentException(path + " is outside the workspace " + dir);
    }
    cmd.run("rm", "-rf", "--one-file-system", path.toString());
  }

  /** Mount points at or under {@code path}, deepest first. */
  static List<Path> mountsUnder(Path path) throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> Path.of(unescape(line.split(" ")[4])))
        .filter(p -> p.startsWith(path))
        .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
        .toList();
  }

  private static String unescape(String field) {
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  @Override
  public void close() throws IOException {
    for (Path top : shortDir == null ? List.of(dir) : List.of(shortDir, dir)) {
      for (Path mount : mountsUnder(top)) {
        System.err.println("bench: unmounting " + mount + ", left mounted by a tool");
        cmd.run("umount", mount.toString());
      }
      cmd.run("rm", "-rf", "--one-file-system", top.toString());
    }
  }
}

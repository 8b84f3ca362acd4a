package io.berth.internal;

import io.berth.NoSuchArtifactException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

/**
 * Named blobs kept with a container in {@code <bundle>/artifacts/}. Names are plain file names,
 * so no artifact can be read or written outside that directory.
 */
final class Artifacts {
  private static final int MAX_NAME = 255;

  private Artifacts() {}

  static void add(DefaultContainer c, String name, byte[] data) {
    Objects.requireNonNull(data, "data");
    Path dir = c.ctx().layout().artifacts(c.id());
    Path target = dir.resolve(checkName(name));
    try {
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".artifact-", ".tmp");
      try {
        Files.write(temp, data);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store artifact '" + name + "' of container "
          + c.id() + ": " + e.getMessage(), e);
    }
  }

  static byte[] read(DefaultContainer c, String name) {
    Path file = c.ctx().layout().artifacts(c.id()).resolve(checkName(name));
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchArtifactException(c.id(), c.status().state, name);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read artifact '" + name + "' of container "
          + c.id() + ": " + e.getMessage(), e);
    }
  }

  static void remove(DefaultContainer c, String name) {
    Path file = c.ctx().layout().artifacts(c.id()).resolve(checkName(name));
    try {
      if (!Files.deleteIfExists(file)) {
        throw new NoSuchArtifactException(c.id(), c.status().state, name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove artifact '" + name + "' of container "
          + c.id() + ": " + e.getMessage(), e);
    }
  }

  /** A plain file name: no separators, not {@code .} or {@code ..}, not hidden temp names. */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > MAX_NAME || name.equals(".") || name.equals("..")
        || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0 || name.startsWith(".artifact-")) {
      throw new IllegalArgumentException("invalid artifact name '" + name + "': use a plain"
          + " file name of 1 to " + MAX_NAME + " characters without '/'");
    }
    return name;
  }
}

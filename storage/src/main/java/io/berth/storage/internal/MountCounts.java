package io.berth.storage.internal;

import io.berth.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Mount counts, one small file per mounted container under {@code <runRoot>/mounts/}: the
 * count and the mount point. The run root is volatile, so the counts vanish with the mounts
 * at a reboot. Changed only under the store lock; each write is a rename, never torn.
 */
final class MountCounts {
  private final Path dir;

  MountCounts(Path runRoot) throws IOException {
    this.dir = Files.createDirectories(runRoot.resolve("mounts"));
  }

  /** A container's mount: how many users, and where. */
  record Entry(int count, Path mountpoint) {}

  Optional<Entry> get(String containerId) {
    Path file = dir.resolve(containerId);
    try {
      List<String> lines = Files.readAllLines(file);
      if (lines.size() < 2) {
        return Optional.empty();
      }
      return Optional.of(new Entry(Integer.parseInt(lines.get(0).trim()), Path.of(lines.get(1))));
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      throw new StorageException("mount count file " + file + " is unreadable: " + e.getMessage()
          + "; delete it and unmount " + containerId + " by hand if it is still mounted", e);
    }
  }

  void set(String containerId, int count, Path mountpoint) {
    Path file = dir.resolve(containerId);
    Path temp = dir.resolve("." + containerId + ".tmp");
    try {
      Files.writeString(temp, count + "\n" + mountpoint + "\n");
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new StorageException("could not record the mount count of " + containerId + " in "
          + file + ": " + e.getMessage(), e);
    }
  }

  void remove(String containerId) {
    try {
      Files.deleteIfExists(dir.resolve(containerId));
    } catch (IOException e) {
      throw new StorageException("could not delete the mount count of " + containerId + ": "
          + e.getMessage(), e);
    }
  }

  Set<String> containerIds() throws IOException {
    Set<String> ids = new TreeSet<>();
    try (var s = Files.list(dir)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).forEach(ids::add);
    }
    return ids;
  }
}

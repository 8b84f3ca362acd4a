package io.berth.storage.internal.driver;

import io.berth.storage.LayerChange;
import io.berth.storage.StorageDriver;
import io.berth.storage.StorageException;
import io.berth.storage.internal.sys.FileHandle;
import io.berth.storage.internal.sys.FileTrees;
import io.berth.storage.internal.sys.Posix;
import io.berth.storage.internal.sys.Stat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plain directories: each layer is {@code <home>/<id>/rootfs}, a full copy of its parent's
 * tree with its own changes applied; {@code <home>/<id>/parent} names the parent. Needs no
 * mounts and no special filesystem, at the price of a copy per layer and per container.
 * A layer's changes are found by comparing its tree with its parent's (type, owner, mode,
 * size, mtime to the nanosecond, link target, device number).
 *
 * <p>Thread-safety: as the {@link StorageDriver} contract says, the store serialises changes.
 */
public final class VfsDriver implements StorageDriver {
  private Path home;

  @Override
  public String name() {
    return "vfs";
  }

  @Override
  public WhiteoutFormat whiteoutFormat() {
    return WhiteoutFormat.APPLY;
  }

  @Override
  public void open(Path home) {
    this.home = home;
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new StorageException("could not create " + home + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void create(String id, Optional<String> parent, boolean readWrite) {
    Path dir = home.resolve(id);
    try {
      Files.createDirectory(dir);
      Path rootfs = dir.resolve("rootfs");
      if (parent.isPresent()) {
        FileTrees.copyTree(contentDir(parent.get()), rootfs);
        Files.writeString(dir.resolve("parent"), parent.get());
      } else {
        Files.createDirectory(rootfs);
        Posix.chmod(rootfs, 0755);
      }
    } catch (IOException e) {
      try {
        FileTrees.deleteTree(dir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new StorageException("could not create vfs layer " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Path contentDir(String id) {
    return home.resolve(id).resolve("rootfs");
  }

  @Override
  public Path mount(String id) {
    return contentDir(id);
  }

  @Override
  public void unmount(String id) {
    // Nothing is mounted.
  }

  @Override
  public boolean usesKernelMounts() {
    return false;
  }

  @Override
  public boolean isMounted(String id) {
    return false;
  }

  @Override
  public List<LayerChange> changes(String id) {
    List<LayerChange> out = new ArrayList<>();
    Path parentFile = home.resolve(id).resolve("parent");
    try (FileHandle layer = FileHandle.openDirectory(contentDir(id))) {
      Optional<FileHandle> parent = Files.exists(parentFile) ? Optional.of(
          FileHandle.openDirectory(contentDir(Files.readString(parentFile).trim())))
          : Optional.empty();
      try {
        compare(layer, parent, "", 0, out);
      } finally {
        parent.ifPresent(FileHandle::close);
      }
    } catch (IOException e) {
      throw new StorageException("could not compute the changes of layer " + id + ": "
          + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Compares a directory of the layer with the same directory of its parent, through handles:
   * a running container may swap a directory for a symlink to a host path meanwhile, and the
   * walk must not follow it.
   */
  private static void compare(FileHandle layer, Optional<FileHandle> parent, String rel,
      int depth, List<LayerChange> out) throws IOException {
    FileHandle.checkDepth(depth, rel);
    TreeSet<String> names = new TreeSet<>(layer.list());
    if (parent.isPresent()) {
      names.addAll(parent.get().list());
    }
    for (String name : names) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Optional<FileHandle> now = layer.child(name);
      Optional<FileHandle> before = parent.isPresent() ? parent.get().child(name)
          : Optional.empty();
      try {
        if (now.isEmpty()) {
          out.add(new LayerChange(child, LayerChange.Kind.DELETED));
          continue;
        }
        Stat s = now.get().stat();
        boolean sameType = before.isPresent() && before.get().stat().type() == s.type();
        if (!sameType || differs(now.get(), before.get())) {
          out.add(new LayerChange(child, LayerChange.Kind.CHANGED));
        }
        if (s.isDirectory()) {
          compare(now.get(), sameType ? before : Optional.empty(), child, depth + 1, out);
        }
      } finally {
        now.ifPresent(FileHandle::close);
        before.ifPresent(FileHandle::close);
      }
    }
  }

  private static boolean differs(FileHandle now, FileHandle before) throws IOException {
    Stat a = now.stat();
    Stat b = before.stat();
    if (a.mode() != b.mode() || a.uid() != b.uid() || a.gid() != b.gid()
        || a.mtimeSeconds() != b.mtimeSeconds() || a.mtimeNanos() != b.mtimeNanos()) {
      return true;
    }
    if (a.isRegularFile()) {
      return a.size() != b.size();
    }
    if (a.isSymlink()) {
      return !now.readLink().equals(before.readLink());
    }
    return !a.isDirectory() && a.rdev() != b.rdev();
  }

  @Override
  public void remove(String id) {
    try {
      FileTrees.deleteTree(home.resolve(id));
    } catch (IOException e) {
      throw new StorageException("could not remove vfs layer " + id + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Set<String> layerIds() {
    try {
      Set<String> ids = new TreeSet<>();
      for (String name : FileTrees.list(home)) {
        if (name.length() == 64 && name.chars().allMatch(c -> c >= '0' && c <= '9'
            || c >= 'a' && c <= 'f')) {
          ids.add(name);
        }
      }
      return ids;
    } catch (IOException e) {
      throw new StorageException("could not list " + home + ": " + e.getMessage(), e);
    }
  }
}

package io.berth.storage.internal.driver;

import io.berth.storage.LayerChange;
import io.berth.storage.StorageDriver;
import io.berth.storage.StorageException;
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
    try {
      Path parentFile = home.resolve(id).resolve("parent");
      Path parentRoot = Files.exists(parentFile)
          ? contentDir(Files.readString(parentFile).trim()) : null;
      compare(contentDir(id), parentRoot, "", out);
    } catch (IOException e) {
      throw new StorageException("could not compute the changes of layer " + id + ": "
          + e.getMessage(), e);
    }
    return out;
  }

  private static void compare(Path layer, Path parent, String rel, List<LayerChange> out)
      throws IOException {
    Path dir = rel.isEmpty() ? layer : layer.resolve(rel);
    TreeSet<String> names = new TreeSet<>(FileTrees.list(dir));
    Path parentDir = parent == null ? null : rel.isEmpty() ? parent : parent.resolve(rel);
    if (parentDir != null) {
      names.addAll(FileTrees.list(parentDir));
    }
    for (String name : names) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Optional<Stat> now = Stat.ofIfExists(layer.resolve(child));
      Optional<Stat> before = parentDir == null ? Optional.empty()
          : Stat.ofIfExists(parent.resolve(child));
      if (now.isEmpty()) {
        out.add(new LayerChange(child, LayerChange.Kind.DELETED));
        continue;
      }
      Stat s = now.get();
      boolean sameType = before.isPresent() && before.get().type() == s.type();
      if (!sameType || differs(s, before.get(), layer.resolve(child), parent.resolve(child))) {
        out.add(new LayerChange(child, LayerChange.Kind.CHANGED));
      }
      if (s.isDirectory()) {
        compare(layer, sameType ? parent : null, child, out);
      }
    }
  }

  private static boolean differs(Stat a, Stat b, Path pa, Path pb) throws IOException {
    if (a.mode() != b.mode() || a.uid() != b.uid() || a.gid() != b.gid()
        || a.mtimeSeconds() != b.mtimeSeconds() || a.mtimeNanos() != b.mtimeNanos()) {
      return true;
    }
    if (a.isRegularFile()) {
      return a.size() != b.size();
    }
    if (a.isSymlink()) {
      return !Files.readSymbolicLink(pa).equals(Files.readSymbolicLink(pb));
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

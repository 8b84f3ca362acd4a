package io.berth.storage.internal.driver;

import io.berth.storage.DriverUnavailableException;
import io.berth.storage.LayerChange;
import io.berth.storage.StorageDriver;
import io.berth.storage.StorageException;
import io.berth.storage.internal.sys.FileHandle;
import io.berth.storage.internal.sys.FileTrees;
import io.berth.storage.internal.sys.MountTable;
import io.berth.storage.internal.sys.Posix;
import io.berth.storage.internal.sys.StackedDirectory;
import io.berth.storage.internal.sys.Stat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kernel overlayfs, mounted with mount(2). Each layer is a directory {@code <home>/<id>/} with
 * {@code diff/} (the layer's own content), {@code work/} (overlay's scratch space) and, once
 * mounted, {@code merged/}. {@code <home>/l/<short>} is a short symlink to a layer's
 * {@code diff/}, and a layer's {@code lower} file lists its ancestors' short links, top
 * first, so that a deep stack fits in one page of mount options; stacks that still do not
 * fit are mounted with the new mount API, one {@code lowerdir+} per layer. Creating and
 * mounting a layer copies nothing but the root directory's owner and mode.
 *
 * <p>Thread-safety: as the {@link StorageDriver} contract says, the store serialises changes.
 */
public final class OverlayDriver implements StorageDriver {
  private static final System.Logger LOG = System.getLogger(OverlayDriver.class.getName());
  private static final int PAGE = 4096;
  private static final int SHORT_LENGTH = 26;
  private static final char[] SHORT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
  /**
   * Overlay features that would keep changes out of {@code diff/} (redirects, metadata-only
   * copy-up) or tie lower layers to one upper (index), turned off when the kernel knows them.
   */
  private static final List<String> PLAIN_OPTIONS =
      List.of("index=off", "redirect_dir=off", "metacopy=off");

  /** Made at the first new link name, not at open: seeding it loads the security providers. */
  private static final class LinkNames {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  private Path home;
  private Path links;
  private List<String> extraOptions = PLAIN_OPTIONS;

  @Override
  public String name() {
    return "overlay";
  }

  @Override
  public WhiteoutFormat whiteoutFormat() {
    return WhiteoutFormat.OVERLAY;
  }

  @Override
  public void open(Path home) {
    String text = home.toString();
    if (text.contains(",") || text.contains(":") || text.contains("\\")) {
      throw new DriverUnavailableException("the overlay driver cannot use " + home
          + ": overlay mount options cannot carry ',', ':' or '\\' in a path; choose another store root or"
          + " use the vfs driver");
    }
    this.home = home;
    this.links = home.resolve("l");
    try {
      Files.createDirectories(links);
      probeOncePerBoot();
    } catch (IOException e) {
      throw new DriverUnavailableException("the overlay driver does not work in " + home + " ("
          + e.getMessage() + "); use the vfs driver (Store.builder().driver(\"vfs\")) or put"
          + " the store on a filesystem overlayfs accepts as upper layer (ext4, xfs)", e);
    }
  }

  /**
   * Probes at the first open after each boot and remembers the outcome in {@code .probed}: the
   * kernel and the file system under the store do not change without a reboot, while the probe
   * costs a mount, and an unmount that syncs the file system, on every open.
   */
  private void probeOncePerBoot() throws IOException {
    Path marker = home.resolve(".probed");
    String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
    List<String> remembered = Files.exists(marker) ? Files.readAllLines(marker) : List.of();
    if (remembered.size() == 2 && remembered.get(0).equals(boot)) {
      extraOptions = remembered.get(1).isEmpty() ? List.of()
          : List.of(remembered.get(1).split(","));
      return;
    }
    probe();
    Path temp = home.resolve(".probed.tmp");
    Files.write(temp, List.of(boot, String.join(",", extraOptions)));
    Files.move(temp, marker, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** Mounts a tiny overlay with a whiteout and an opaque directory to prove this works. */
  private void probe() throws IOException {
    Path dir = Files.createTempDirectory(home, ".probe-");
    Path merged = dir.resolve("merged");
    try {
      Path lower = Files.createDirectories(dir.resolve("lower/d"));
      Files.writeString(lower.resolve("f"), "x");
      Path upper = Files.createDirectories(dir.resolve("upper"));
      Posix.mknod(upper.resolve("gone"), Posix.S_IFCHR, 0, 0);
      Files.createDirectory(upper.resolve("d"));
      Posix.lsetxattr(upper.resolve("d"), "trusted.overlay.opaque", new byte[] {'y'});
      Files.createDirectories(dir.resolve("work"));
      Files.createDirectories(merged);
      String base = "lowerdir=" + dir.resolve("lower") + ",upperdir=" + upper + ",workdir="
          + dir.resolve("work");
      try {
        Posix.mount("overlay", merged, "overlay", 0, base + "," + String.join(",", PLAIN_OPTIONS));
      } catch (Posix.ErrnoException e) {
        if (e.errno() != Posix.EINVAL) {
          throw e;
        }
        Posix.mount("overlay", merged, "overlay", 0, base);
        extraOptions = List.of();
      }
      try {
        if (Files.exists(merged.resolve("d/f"))) {
          throw new IOException("overlayfs ignored an opaque directory");
        }
      } finally {
        Posix.umount(merged, 0);
      }
    } finally {
      FileTrees.deleteTree(dir);
    }
  }

  private Path layerDir(String id) {
    return home.resolve(id);
  }

  @Override
  public void create(String id, Optional<String> parent, boolean readWrite) {
    Path dir = layerDir(id);
    String shortName = null;
    try {
      Files.createDirectory(dir);
      Path diff = Files.createDirectory(dir.resolve("diff"));
      Files.createDirectory(dir.resolve("work"));
      shortName = newShortName();
      Files.createSymbolicLink(links.resolve(shortName), Path.of("..", id, "diff"));
      Files.writeString(dir.resolve("link"), shortName);
      if (parent.isPresent()) {
        Path parentDir = layerDir(parent.get());
        String parentShort = Files.readString(parentDir.resolve("link")).trim();
        Path parentLowerFile = parentDir.resolve("lower");
        String lower = "l/" + parentShort + (Files.exists(parentLowerFile)
            ? ":" + Files.readString(parentLowerFile).trim() : "");
        Files.writeString(dir.resolve("lower"), lower);
        // The merged root takes the upper directory's owner and mode: carry them up.
        Stat root = Stat.of(parentDir.resolve("diff"));
        Posix.lchown(diff, root.uid(), root.gid());
        Posix.chmod(diff, root.permissions());
      } else {
        Posix.chmod(diff, 0755);
      }
    } catch (IOException e) {
      try {
        if (shortName != null) {
          Files.deleteIfExists(links.resolve(shortName));
        }
        FileTrees.deleteTree(dir);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw new StorageException("could not create overlay layer " + id + ": " + e.getMessage(),
          e);
    }
  }

  private String newShortName() {
    while (true) {
      char[] c = new char[SHORT_LENGTH];
      for (int i = 0; i < c.length; i++) {
        c[i] = SHORT_CHARS[LinkNames.RANDOM.nextInt(SHORT_CHARS.length)];
      }
      String name = new String(c);
      if (!Files.exists(links.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return name;
      }
    }
  }

  @Override
  public Path contentDir(String id) {
    return layerDir(id).resolve("diff");
  }

  @Override
  public Path mount(String id) {
    Path dir = layerDir(id);
    Path merged = dir.resolve("merged");
    try {
      Files.createDirectories(merged);
      List<String> lowers = new ArrayList<>();
      Path lowerFile = dir.resolve("lower");
      if (Files.exists(lowerFile)) {
        for (String l : Files.readString(lowerFile).trim().split(":")) {
          lowers.add(home.resolve(l).toString());
        }
      } else {
        // overlayfs needs a lower layer; a base layer gets an empty one.
        lowers.add(Files.createDirectories(dir.resolve("empty")).toString());
      }
      String upper = dir.resolve("diff").toString();
      String work = dir.resolve("work").toString();
      List<String> options = new ArrayList<>();
      options.add("lowerdir=" + String.join(":", lowers));
      options.add("upperdir=" + upper);
      options.add("workdir=" + work);
      options.addAll(extraOptions);
      String data = String.join(",", options);
      if (data.getBytes(StandardCharsets.UTF_8).length < PAGE) {
        Posix.mount("overlay", merged, "overlay", 0, data);
      } else {
        Posix.mountOverlayPerLower(lowers, upper, work, extraOptions, merged);
      }
      return merged;
    } catch (IOException e) {
      throw new StorageException("could not mount overlay layer " + id + " on " + merged + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public void unmount(String id) {
    Path merged = layerDir(id).resolve("merged");
    try {
      if (!MountTable.isMountPoint(merged)) {
        return;
      }
      try {
        Posix.umount(merged, 0);
      } catch (Posix.ErrnoException e) {
        // Something still uses it (a process's cwd, an open file): detach it from the tree
        // now; the kernel frees it when the last user goes.
        LOG.log(System.Logger.Level.WARNING, "{0} is busy ({1}); detaching it lazily", merged,
            e.getMessage());
        Posix.umount(merged, Posix.MNT_DETACH);
      }
    } catch (IOException e) {
      throw new StorageException("could not unmount " + merged + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean isMounted(String id) {
    return !mountedAmong(java.util.List.of(id)).isEmpty();
  }

  /** One read of the mount table for all of {@code ids}. */
  @Override
  public java.util.Set<String> mountedAmong(java.util.Collection<String> ids) {
    try {
      java.util.Set<Path> points = MountTable.mountPoints();
      java.util.Set<String> mounted = new java.util.HashSet<>();
      for (String id : ids) {
        if (points.contains(layerDir(id).resolve("merged").toAbsolutePath().normalize())) {
          mounted.add(id);
        }
      }
      return mounted;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public List<LayerChange> changes(String id) {
    List<LayerChange> out = new ArrayList<>();
    try (FileHandle top = FileHandle.openDirectory(contentDir(id))) {
      walk(top, "", 0, out);
    } catch (IOException e) {
      throw new StorageException("could not read the changes of layer " + id + ": "
          + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Lists the upper directory through handles: a running container may swap a directory for
   * a symlink to a host path meanwhile, and the walk must not follow it.
   */
  private static void walk(FileHandle dir, String rel, int depth, List<LayerChange> out)
      throws IOException {
    FileHandle.checkDepth(depth, rel);
    for (String name : dir.list()) {
      String child = rel.isEmpty() ? name : rel + "/" + name;
      Optional<FileHandle> h = dir.child(name);
      if (h.isEmpty()) {
        continue; // removed while we looked: nothing to report
      }
      try (FileHandle f = h.get()) {
        Stat s = f.stat();
        if (s.isWhiteout()) {
          out.add(new LayerChange(child, LayerChange.Kind.DELETED));
        } else if (s.isDirectory()) {
          out.add(new LayerChange(child, StackedDirectory.isOpaque(f)
              ? LayerChange.Kind.OPAQUE_DIRECTORY : LayerChange.Kind.CHANGED));
          walk(f, child, depth + 1, out);
        } else {
          out.add(new LayerChange(child, LayerChange.Kind.CHANGED));
        }
      }
    }
  }

  @Override
  public void remove(String id) {
    Path dir = layerDir(id);
    try {
      Path link = dir.resolve("link");
      if (Files.exists(link)) {
        Files.deleteIfExists(links.resolve(Files.readString(link).trim()));
      }
      FileTrees.deleteTree(dir);
    } catch (IOException e) {
      throw new StorageException("could not remove overlay layer " + id + ": " + e.getMessage(),
          e);
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
        } else if (name.startsWith(".probe-")) {
          FileTrees.deleteTree(home.resolve(name));
        }
      }
      return ids;
    } catch (IOException e) {
      throw new StorageException("could not list " + home + ": " + e.getMessage(), e);
    }
  }
}

package io.berth.storage.internal.sys;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One directory of a tree being read: a plain directory, or the same directory in a stack of
 * overlay layers merged the way overlayfs merges them, so that a container's root filesystem
 * can be read from its layers without mounting it (an unmount syncs the whole upper
 * filesystem). In a stack, the topmost layer that has a name decides what it is: a 0:0
 * character device hides it and everything of that name below; a non-directory is the entry;
 * a directory merges with the directories of that name below it, down to the first layer
 * where it is opaque ({@code trusted.overlay.opaque=y}) or is not a directory. Opaque marks
 * on the layers' root directories are ignored, as overlayfs ignores them.
 *
 * <p>Every instance is a {@link FileHandle}, so reading a stack is as race-proof as reading
 * one tree. Not thread-safe; closing it closes every instance.
 */
public final class StackedDirectory implements AutoCloseable {
  private static final byte[] OPAQUE = {'y'};
  private static final int[] ONLY_TOP = {0};

  /** Top first; the first one's owner, mode, times and xattrs are the directory's. */
  private final List<FileHandle> instances;
  private final boolean overlay;
  /** Per name, the instances that listed it, top first; built by {@link #names()}. */
  private Map<String, int[]> listedBy;

  private StackedDirectory(List<FileHandle> instances, boolean overlay) {
    this.instances = instances;
    this.overlay = overlay;
  }

  /** A plain directory: its entries are what it holds, 0:0 devices included. */
  public static StackedDirectory plain(FileHandle dir) {
    return new StackedDirectory(List.of(dir), false);
  }

  /**
   * The union of the root directories of a stack of overlay layers.
   *
   * @param topFirst open handles of directories, which this object now owns
   */
  public static StackedDirectory overlayRoots(List<FileHandle> topFirst) {
    if (topFirst.isEmpty()) {
      throw new IllegalArgumentException("a stack needs at least one layer");
    }
    return new StackedDirectory(List.copyOf(topFirst), true);
  }

  /** Whether an overlay layer's directory hides what the layers below hold at its path. */
  public static boolean isOpaque(FileHandle dir) throws IOException {
    byte[] value = dir.xattr("trusted.overlay.opaque");
    return value != null && Arrays.equals(value, OPAQUE);
  }

  /** The directory itself: its topmost instance. */
  public FileHandle top() {
    return instances.get(0);
  }

  /** The names some instance lists, sorted; {@link #child} tells what each one is. */
  public List<String> names() throws IOException {
    if (instances.size() == 1) {
      return instances.get(0).list();
    }
    Map<String, int[]> names = new TreeMap<>();
    for (int i = 0; i < instances.size(); i++) {
      int layer = i;
      for (String name : instances.get(i).list()) {
        names.merge(name, new int[] {layer}, StackedDirectory::append);
      }
    }
    listedBy = names;
    return new ArrayList<>(names.keySet());
  }

  private static int[] append(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * What {@code name}, one of {@link #names()}, is in the merged directory.
   *
   * @param vanished told if the entry was removed after it was listed
   * @return empty if a whiteout hides it or it vanished
   */
  public Optional<Child> child(String name, Runnable vanished) throws IOException {
    int[] layers = listedBy == null ? ONLY_TOP : listedBy.get(name);
    if (layers == null) {
      throw new IllegalArgumentException("'" + name + "' was not listed");
    }
    FileHandle first = null;
    List<FileHandle> directories = new ArrayList<>();
    try {
      for (int k = 0; k < layers.length; k++) {
        Optional<FileHandle> found = instances.get(layers[k]).child(name);
        if (found.isEmpty()) {
          if (first == null) {
            vanished.run();
            return Optional.empty();
          }
          break;
        }
        FileHandle h = found.get();
        Stat s = h.stat();
        if (overlay && s.isWhiteout() || first != null && !s.isDirectory()) {
          h.close();
          break;
        }
        if (first == null) {
          first = h;
          if (!s.isDirectory()) {
            return Optional.of(new Child(h, Optional.empty()));
          }
        }
        directories.add(h);
        boolean lowerListed = k + 1 < layers.length;
        if (!lowerListed || isOpaque(h)) {
          break;
        }
      }
      if (first == null) {
        return Optional.empty();
      }
      StackedDirectory merged = new StackedDirectory(List.copyOf(directories), overlay);
      directories.clear();
      return Optional.of(new Child(first, Optional.of(merged)));
    } finally {
      for (FileHandle h : directories) {
        h.close();
      }
    }
  }

  /** An entry of a merged directory, and the merged directory it is if it is one. */
  public record Child(FileHandle file, Optional<StackedDirectory> directory)
      implements AutoCloseable {
    @Override
    public void close() {
      file.close();
      directory.ifPresent(StackedDirectory::close);
    }
  }

  @Override
  public void close() {
    for (FileHandle h : instances) {
      h.close();
    }
  }
}

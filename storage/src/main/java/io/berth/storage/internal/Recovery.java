package io.berth.storage.internal;

import io.berth.storage.StorageDriver;
import io.berth.storage.internal.sys.FileTrees;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the store does on open, under its lock, to finish what a crash interrupted: delete
 * temp files, layers and blobs no record names (they belong to a change that never committed)
 * and make the mount counts agree with the kernel's mount table.
 */
final class Recovery {
  private static final System.Logger LOG = System.getLogger(Recovery.class.getName());

  private final StorageDriver driver;
  private final Metadata meta;
  private final BlobStore blobs;
  private final MountCounts counts;

  Recovery(StorageDriver driver, Metadata meta, BlobStore blobs, MountCounts counts) {
    this.driver = driver;
    this.meta = meta;
    this.blobs = blobs;
    this.counts = counts;
  }

  /**
   * Removes what a crash left behind (temp files, unrecorded layers and blobs) and makes the
   * mount counts agree with the kernel. Runs under the lock.
   */
  void run() throws IOException {
    for (String name : FileTrees.list(blobs.tmpDir())) {
      FileTrees.deleteTree(blobs.tmpDir().resolve(name));
    }
    Set<String> known = new HashSet<>();
    meta.layers().forEach(l -> known.add(l.id()));
    Map<String, Metadata.ContainerRecord> containers = new HashMap<>();
    for (Metadata.ContainerRecord c : meta.containers()) {
      known.add(c.layerId());
      containers.put(c.id(), c);
    }
    for (String id : driver.layerIds()) {
      if (!known.contains(id)) {
        LOG.log(System.Logger.Level.INFO, "removing layer {0}, left unrecorded by an"
            + " interrupted operation", id);
        driver.remove(id);
      }
    }
    Set<String> referenced = meta.referencedBlobs();
    for (String digest : blobs.digests()) {
      if (!referenced.contains(digest)) {
        LOG.log(System.Logger.Level.INFO, "removing unreferenced blob {0}", digest);
        blobs.delete(digest);
      }
    }
    // One look at the mount table for every container: a store may hold thousands.
    Set<String> mounted = driver.usesKernelMounts()
        ? driver.mountedAmong(containers.values().stream()
            .map(Metadata.ContainerRecord::layerId).toList())
        : Set.of();
    Set<String> counted = counts.containerIds();
    for (String id : counted) {
      Metadata.ContainerRecord c = containers.get(id);
      if (c == null || driver.usesKernelMounts() && !mounted.contains(c.layerId())) {
        counts.remove(id);
      }
    }
    if (driver.usesKernelMounts()) {
      for (Metadata.ContainerRecord c : containers.values()) {
        if (!counted.contains(c.id()) && mounted.contains(c.layerId())) {
          LOG.log(System.Logger.Level.INFO, "unmounting the root filesystem of container {0},"
              + " mounted without a mount count (was the run directory wiped?)", c.id());
          driver.unmount(c.layerId());
        }
      }
    }
  }
}

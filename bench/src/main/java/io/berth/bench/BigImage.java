package io.berth.bench;

import io.berth.storage.ArchiveFormat;
import io.berth.storage.Image;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The large image of the unpack and export workloads: busybox plus a generated tree of mixed
 * file sizes, as a plain directory, as one layer tar (made by GNU tar) and as a docker-archive
 * of that layer (written by Berth, read by Berth and podman alike).
 *
 * @param tree the plain directory the layer was made from
 * @param layer the layer tar
 * @param archive a docker-archive holding the one-layer image {@link #REFERENCE}
 * @param bytes the size of the layer tar: what every contender reads or writes
 * @param files regular files in the generated part of the tree
 */
record BigImage(Path tree, Path layer, Path archive, long bytes, int files) {
  static final String REFERENCE = "localhost/bench-big:latest";

  static BigImage create(Workspace ws, BerthRoot berth, long dataBytes) throws IOException {
    Path tree = ws.root().resolve("big-tree");
    BusyboxImage.standard().writeRootfs(tree);
    int files = FileTree.write(tree.resolve("data"), dataBytes, 42);
    Path layer = ws.root().resolve("big-layer.tar");
    ws.cmd(java.util.Map.of()).run("tar", "--sort=name", "--numeric-owner", "-C",
        tree.toString(), "-cf", layer.toString(), ".");
    Path archive = ws.root().resolve("big-docker-archive.tar");
    Image image = berth.runtime.images().importRootfs(layer, REFERENCE);
    berth.runtime.images().save(REFERENCE, archive, ArchiveFormat.DOCKER_ARCHIVE);
    berth.runtime.images().remove(image.id());
    return new BigImage(tree, layer, archive, Files.size(layer), files);
  }
}

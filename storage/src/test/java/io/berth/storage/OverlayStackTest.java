package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overlay specifics: deep stacks of lower layers, and containers that copy nothing. */
class OverlayStackTest {
  @TempDir Path dir;
  private Store store;

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  private static String mountOptions(Path mountpoint) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] f = line.split(" ");
      if (f[4].equals(mountpoint.toString())) {
        return line.substring(line.indexOf(" - ") + 3);
      }
    }
    throw new AssertionError(mountpoint + " is not mounted");
  }

  @Test
  void mount_stackDeeperThanOnePageOfOptions_mountsEveryLayer() throws Exception {
    store = TestStores.open(dir, "overlay");
    int depth = 80;
    List<byte[]> layers = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      layers.add(new TarBuilder().dir("layers", 0755).file("layers/" + i, "layer " + i)
          .file("top", "written by " + i).build());
    }
    Image image = store.load(TestLayouts.write(dir.resolve("deep"), "deep:1", layers)).get(0);
    assertThat(image.layerIds()).hasSize(depth);
    String cid = TestStores.containerId(1);
    store.createContainerLayer(cid, image.id());
    Path rootfs = store.mount(cid);

    assertThat(Files.list(rootfs.resolve("layers")).count()).isEqualTo(depth);
    assertThat(rootfs.resolve("top")).hasContent("written by " + (depth - 1));
    assertThat(rootfs.resolve("layers/0")).hasContent("layer 0");
    int length = 0;
    for (String l : Files.readString(dir.resolve("root/overlay")
        .resolve(store.containerLayer(cid).layerId()).resolve("lower")).split(":")) {
      length += dir.resolve("root/overlay").resolve(l).toString().length() + 1;
    }
    assertThat(length).as("the lowerdir list alone is longer than a page").isGreaterThan(4096);
    assertThat(mountOptions(rootfs)).startsWith("overlay ").contains("upperdir=");
  }

  @Test
  void createContainerLayer_bigImage_copiesNoImageData() throws Exception {
    store = TestStores.open(dir, "overlay");
    byte[] big = new byte[32 << 20];
    new java.util.Random(1).nextBytes(big);
    Path tar = dir.resolve("big.tar");
    try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(tar))) {
      var t = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(out);
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("big");
      e.setSize(big.length);
      t.putArchiveEntry(e);
      t.write(big);
      t.closeArchiveEntry();
      t.finish();
    }
    Image image = store.importRootfs(tar, ImageOptions.defaults());
    String cid = TestStores.containerId(1);
    ContainerLayer layer = store.createContainerLayer(cid, image.id());
    Path rootfs = store.mount(cid);
    assertThat(Files.size(rootfs.resolve("big"))).isEqualTo(big.length);
    assertThat(store.size(cid)).isZero();
    Path layerDir = dir.resolve("root/overlay").resolve(layer.layerId());
    long used = Long.parseLong(Tools.run(List.of("du", "-sx", "--block-size=1",
        layerDir.toString())).split("\\s+")[0]);
    assertThat(used).as("disk used by the container's layer").isLessThan(1 << 20);
  }
}

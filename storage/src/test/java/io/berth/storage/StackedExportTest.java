package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exporting an unmounted overlay container reads its layers directly, merged as overlayfs
 * merges them; the kernel's own merge, read through the container's mount, is the reference.
 */
class StackedExportTest {
  @TempDir Path dir;
  private Store store;
  private final String cid = TestStores.containerId(7);

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  /** Three layers with every way one layer can hide, replace or merge with what is below. */
  private Image layeredImage() throws Exception {
    byte[] base = new TarBuilder()
        .dir("etc", 0755).file("etc/keep", "keep").file("etc/gone", "gone")
        .file("etc/keep2", "keep2")
        .dir("data", 0755).file("data/a", "a").dir("data/sub", 0700).file("data/sub/c", "c")
        .dir("opaque", 0755).file("opaque/old", "old")
        .dir("redo", 0755).file("redo/old", "old")
        .dir("tree", 0755).file("tree/leaf", "leaf")
        .file("file", "old file")
        .dir("keep", 0755).file("keep/old", "old")
        .dir("hl", 0755).file("hl/a", "linked").hardlink("hl/b", "hl/a")
        .symlink("sh", "/bin/busybox")
        .special("fifo", TarConstants.LF_FIFO, 0, 0)
        .special("null", TarConstants.LF_CHR, 1, 3)
        .file("caps", "x", 0755, Map.of("SCHILY.xattr.user.note", "from the base"))
        .build();
    byte[] middle = new TarBuilder()
        .file(".wh..wh..opq", "")
        .file("etc/.wh.gone", "")
        .dir("opaque", 0755).file("opaque/.wh..wh..opq", "").file("opaque/new", "new")
        .file(".wh.redo", "")
        .file("tree", "a file over a directory")
        .dir("file", 0700).file("file/inside", "a directory over a file")
        .dir("data", 0750).file("data/b", "b")
        .build();
    byte[] top = new TarBuilder()
        .dir("redo", 0755).file("redo/again", "again")
        .file("data/a", "a, replaced")
        .build();
    Path layout = TestLayouts.write(dir.resolve("layout"), "layered:1",
        List.of(base, middle, top));
    return store.load(layout).get(0);
  }

  private byte[] export() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.export(cid, out);
    return out.toByteArray();
  }

  private static Map<String, TarArchiveEntry> entries(byte[] tar) throws Exception {
    Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName().replaceAll("/$", ""), e);
      }
    }
    return out;
  }

  @Test
  void export_unmountedContainer_matchesTheKernelsMergeByteForByte() throws Exception {
    store = TestStores.open(dir, "overlay");
    Image image = layeredImage();
    store.createContainerLayer(cid, image.id());
    Path rootfs = store.mount(cid);
    Files.delete(rootfs.resolve("etc/keep2"));
    TestStores.deleteTree(rootfs.resolve("data/sub"));
    Files.setPosixFilePermissions(rootfs.resolve("etc"), PosixFilePermissions.fromString(
        "rwxr-x---"));
    TestStores.deleteTree(rootfs.resolve("keep"));
    Files.createDirectory(rootfs.resolve("keep"));
    Files.writeString(rootfs.resolve("keep/fresh"), "fresh");
    Files.createDirectories(rootfs.resolve("newdir/deeper"));
    Path tagged = Files.writeString(rootfs.resolve("newdir/deeper/f"), "tagged");
    Files.getFileAttributeView(tagged, UserDefinedFileAttributeView.class)
        .write("note", java.nio.ByteBuffer.wrap("set in the container".getBytes()));
    Files.writeString(rootfs.resolve("etc/keep"), " and more",
        java.nio.file.StandardOpenOption.APPEND);

    byte[] throughMount = export();
    store.unmount(cid, false);
    assertThat(store.mountCount(cid)).isZero();
    byte[] fromLayers = export();

    assertThat(fromLayers).isEqualTo(throughMount);
    Map<String, TarArchiveEntry> tar = entries(fromLayers);
    assertThat(tar).containsKeys("etc/keep", "data/a", "data/b", "opaque/new", "redo/again",
        "keep/fresh", "newdir/deeper/f", "file/inside", "hl/b", "caps", "fifo", "null",
        "tree")
        .doesNotContainKeys("etc/gone", "etc/keep2", "data/sub", "data/sub/c", "opaque/old",
            "redo/old", "tree/leaf", "keep/old", ".wh..wh..opq");
    assertThat(tar.get("tree").isFile()).isTrue();
    assertThat(tar.get("file").isDirectory()).isTrue();
    assertThat(tar.get("hl/b").isLink()).isTrue();
    assertThat(tar.get("null").isCharacterDevice()).isTrue();
    assertThat(tar.get("etc").getMode() & 07777).isEqualTo(0750);
    assertThat(tar.get("data").getMode() & 07777)
        .as("the top layer's directory (implied by data/a) wins over the middle one's 0750")
        .isEqualTo(0755);
    assertThat(tar.get("newdir/deeper/f").getExtraPaxHeader("SCHILY.xattr.user.note"))
        .isEqualTo("set in the container");
  }

  @Test
  void export_neverMountedContainer_readsTheLayersWithoutMounting() throws Exception {
    store = TestStores.open(dir, "overlay");
    Image image = layeredImage();
    ContainerLayer layer = store.createContainerLayer(cid, image.id());

    Map<String, TarArchiveEntry> tar = entries(export());

    assertThat(tar).containsKeys("etc/keep", "etc/keep2", "data/sub/c", "redo/again")
        .doesNotContainKeys("etc/gone", "redo/old");
    assertThat(dir.resolve("root/overlay").resolve(layer.layerId()).resolve("merged"))
        .as("the mount point overlay would have needed").doesNotExist();
    assertThat(store.mountCount(cid)).isZero();
  }
}

package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.internal.sys.Posix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Container root filesystems: creation, mount counting, size, export, removal. */
class ContainerLayersTest {
  @TempDir Path dir;
  private Store store;
  private Image image;
  private final String cid = TestStores.containerId(42);

  private void open(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    image = store.importRootfs(TestStores.busyboxTar(dir),
        ImageOptions.builder().reference("busybox").build());
  }

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  private boolean kernelMounted(Path p) throws Exception {
    return TestStores.mountsUnder(dir).contains(p.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void unmount_mountedTwice_staysMountedUntilLastUnmount(String driver) throws Exception {
    open(driver);
    ContainerLayer layer = store.createContainerLayer(cid, "busybox");
    assertThat(layer.imageId()).isEqualTo(image.id());
    assertThat(layer.mountpoint()).isEmpty();
    Path first = store.mount(cid);
    Path second = store.mount(cid);
    assertThat(second).isEqualTo(first);
    assertThat(store.mountCount(cid)).isEqualTo(2);
    assertThat(store.containerLayer(cid).mountpoint()).contains(first);

    store.unmount(cid, false);
    assertThat(store.mountCount(cid)).isEqualTo(1);
    assertThat(first.resolve("bin/busybox")).isRegularFile();
    if (driver.equals("overlay")) {
      assertThat(kernelMounted(first)).isTrue();
    }
    store.unmount(cid, false);
    assertThat(store.mountCount(cid)).isZero();
    assertThat(store.containerLayer(cid).mountpoint()).isEmpty();
    if (driver.equals("overlay")) {
      assertThat(kernelMounted(first)).isFalse();
      assertThat(first.resolve("bin/busybox")).doesNotExist();
    }
    store.unmount(cid, false);
    assertThat(store.mountCount(cid)).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void unmount_force_dropsAllUsers(String driver) throws Exception {
    open(driver);
    store.createContainerLayer(cid, image.id());
    Path p = store.mount(cid);
    store.mount(cid);
    store.mount(cid);
    store.unmount(cid, true);
    assertThat(store.mountCount(cid)).isZero();
    if (driver.equals("overlay")) {
      assertThat(kernelMounted(p)).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void size_containerWritesFiles_countsOnlyItsOwnLayer(String driver) throws Exception {
    open(driver);
    store.createContainerLayer(cid, image.id());
    long before = store.size(cid);
    Path rootfs = store.mount(cid);
    Files.write(rootfs.resolve("tmp/blob"), new byte[100_000]);
    assertThat(store.size(cid)).isEqualTo(before + 100_000);
    if (driver.equals("overlay")) {
      assertThat(before).as("a new overlay layer holds nothing of the image").isZero();
    } else {
      assertThat(before).as("a vfs layer is a full copy").isGreaterThan(1_000_000);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void export_unmountedContainer_writesWholeTreeAndLeavesItUnmounted(String driver)
      throws Exception {
    open(driver);
    store.createContainerLayer(cid, image.id());
    Path rootfs = store.mount(cid);
    Files.writeString(rootfs.resolve("etc/extra"), "extra");
    Posix.mknod(rootfs.resolve("tmp/fifo"), Posix.S_IFIFO | 0644, 0, 0);
    store.unmount(cid, false);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.export(cid, out);
    assertThat(store.mountCount(cid)).isZero();
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
        if (e.getName().equals("tmp/fifo")) {
          assertThat(e.isFIFO()).isTrue();
        }
        if (e.getName().equals("bin/sh")) {
          assertThat(e.isSymbolicLink()).isTrue();
          assertThat(e.getLinkName()).isEqualTo("busybox");
        }
      }
    }
    assertThat(names).contains("bin/", "bin/busybox", "etc/extra", "etc/motd", "tmp/fifo");

    ByteArrayOutputStream again = new ByteArrayOutputStream();
    store.export(cid, again);
    assertThat(again.toByteArray()).as("export is reproducible").isEqualTo(out.toByteArray());
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void diff_sameChangesAtDifferentTimesWithFixedMtime_givesIdenticalBytes(String driver)
      throws Exception {
    open(driver);
    byte[][] plain = new byte[2][];
    byte[][] fixed = new byte[2][];
    TarOptions options = TarOptions.builder().mtime(java.time.Instant.EPOCH).build();
    for (int i = 0; i < 2; i++) {
      String id = TestStores.containerId(10 + i);
      store.createContainerLayer(id, image.id());
      Path rootfs = store.mount(id);
      Files.delete(rootfs.resolve("etc/hostname"));
      Path f = Files.writeString(rootfs.resolve("etc/app.conf"), "same content");
      Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(i * 1_000_000L));
      Files.setLastModifiedTime(rootfs.resolve("etc"),
          java.nio.file.attribute.FileTime.fromMillis(i * 2_000_000L));
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      store.diff(id, a);
      plain[i] = a.toByteArray();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      store.diff(id, b, options);
      fixed[i] = b.toByteArray();
    }
    assertThat(plain[0]).isNotEqualTo(plain[1]);
    assertThat(fixed[0]).isEqualTo(fixed[1]);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void removeContainerLayer_mounted_unmountsAndRemovesEverything(String driver)
      throws Exception {
    open(driver);
    store.createContainerLayer(cid, image.id());
    Path rootfs = store.mount(cid);
    store.mount(cid);
    store.removeContainerLayer(cid);
    assertThat(store.findContainerLayer(cid)).isEmpty();
    assertThat(store.containerLayers()).isEmpty();
    assertThat(rootfs).doesNotExist();
    assertThatThrownBy(() -> store.removeContainerLayer(cid))
        .isInstanceOf(NoSuchContainerLayerException.class).hasMessageContaining(cid);
    assertThatThrownBy(() -> store.mount(cid))
        .isInstanceOf(NoSuchContainerLayerException.class);
    assertThat(TestStores.layerDirectories(dir, driver)).as("only the image's layer is left")
        .hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void createContainerLayer_badInput_isRefusedBeforeAnythingIsWritten(String driver)
      throws Exception {
    open(driver);
    store.createContainerLayer(cid, image.id());
    assertThatThrownBy(() -> store.createContainerLayer(cid, image.id()))
        .isInstanceOf(ContainerLayerExistsException.class);
    assertThatThrownBy(() -> store.createContainerLayer("not-an-id", image.id()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64");
    assertThatThrownBy(() -> store.createContainerLayer(TestStores.containerId(2), "nope"))
        .isInstanceOf(NoSuchImageException.class);
    assertThat(store.containerLayers()).hasSize(1);
  }
}

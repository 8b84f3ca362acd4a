package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmokeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importMountDiffCommit_roundTrip_works(String driver) throws Exception {
    Path tar = TestStores.busyboxTar(dir);
    Store store = TestStores.open(dir, driver);
    try {
      Image image = store.importRootfs(tar, ImageOptions.builder().reference("bb").build());
      assertThat(image.names()).containsExactly("docker.io/library/bb:latest");
      String cid = TestStores.containerId(1);
      store.createContainerLayer(cid, image.id());
      Path rootfs = store.mount(cid);
      assertThat(rootfs.resolve("etc/motd")).hasContent("hello from berth");
      Files.writeString(rootfs.resolve("etc/new"), "new");
      Files.delete(rootfs.resolve("etc/hostname"));
      ByteArrayOutputStream diff = new ByteArrayOutputStream();
      store.diff(cid, diff);
      assertThat(diff.size()).isGreaterThan(1024);
      Image committed = store.commit(cid, ImageOptions.builder().reference("bb:2").build());
      assertThat(committed.layerIds()).hasSize(2);
      String cid2 = TestStores.containerId(2);
      store.createContainerLayer(cid2, committed.id());
      Path rootfs2 = store.mount(cid2);
      assertThat(rootfs2.resolve("etc/new")).hasContent("new");
      assertThat(rootfs2.resolve("etc/hostname")).doesNotExist();
      assertThat(rootfs2.resolve("etc/motd")).hasContent("hello from berth");
    } finally {
      TestStores.shutdown(store);
    }
    TestStores.assertNoMountsUnder(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void open_driverDirectory_isPrivateToRoot(String driver) throws Exception {
    Store store = TestStores.open(dir, driver);
    try {
      // Layers hold setuid programs and device nodes: only root may reach them.
      assertThat(Files.getAttribute(dir.resolve("root").resolve(driver), "unix:mode"))
          .isEqualTo(040700);
    } finally {
      TestStores.shutdown(store);
    }
  }
}

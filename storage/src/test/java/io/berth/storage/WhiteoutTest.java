package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** OCI whiteouts in layers, and deletions in a container's diff, on both drivers. */
class WhiteoutTest {
  @TempDir Path dir;
  private Store store;

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  private static byte[] base() {
    return new TarBuilder()
        .dir("etc", 0755).file("etc/keep", "keep").file("etc/gone", "gone")
        .dir("data", 0755).file("data/a", "a").file("data/b", "b")
        .dir("data/sub", 0755).file("data/sub/c", "c")
        .dir("opaque", 0755).file("opaque/old", "old")
        .dir("redo", 0755).file("redo/old", "old")
        .file("file", "old file")
        .build();
  }

  private Path rootfsOf(List<byte[]> layers, int n) throws Exception {
    Path layout = TestLayouts.write(dir.resolve("layout" + n), "test:" + n, layers);
    Image image = store.load(layout).get(0);
    String cid = TestStores.containerId(n);
    store.createContainerLayer(cid, image.id());
    return store.mount(cid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_layerWithWhiteouts_hidesLowerPaths(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    byte[] top = new TarBuilder()
        .file("etc/.wh.gone", "")
        .file(".wh.data", "")
        .dir("opaque", 0755).file("opaque/.wh..wh..opq", "").file("opaque/new", "new")
        .build();
    Path rootfs = rootfsOf(List.of(base(), top), 1);
    assertThat(rootfs.resolve("etc/keep")).hasContent("keep");
    assertThat(rootfs.resolve("etc/gone")).doesNotExist();
    assertThat(rootfs.resolve("data")).doesNotExist();
    assertThat(TestStores.list(rootfs.resolve("opaque"))).containsExactly("new");
    assertThat(TestStores.list(rootfs)).doesNotContain(".wh.data", ".wh..wh..opq");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_whiteoutThenEntriesBelowWithoutTheirDirectory_sameResultInEitherOrder(
      String driver) throws Exception {
    store = TestStores.open(dir, driver);
    byte[] lower = new TarBuilder().dir("private", 0700).file("private/old", "old").build();
    byte[] first = new TarBuilder().file(".wh.private", "").file("private/new", "new").build();
    byte[] last = new TarBuilder().file("private/new", "new").file(".wh.private", "").build();
    int n = 0;
    for (byte[] top : List.of(first, last)) {
      Path rootfs = rootfsOf(List.of(lower, top), ++n);
      assertThat(TestStores.list(rootfs.resolve("private"))).as("order %d", n)
          .containsExactly("new");
      assertThat(Files.getAttribute(rootfs.resolve("private"), "unix:mode"))
          .as("a plain new directory, order %d", n).isEqualTo(040755);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_whiteoutAndRecreateInOneLayer_sameResultInEitherOrder(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    byte[] whiteoutFirst = new TarBuilder()
        .file(".wh.redo", "").dir("redo", 0750).file("redo/new", "new")
        .file(".wh.file", "").file("file", "new file")
        .build();
    byte[] whiteoutLast = new TarBuilder()
        .dir("redo", 0750).file("redo/new", "new").file(".wh.redo", "")
        .file("file", "new file").file(".wh.file", "")
        .build();
    Path first = rootfsOf(List.of(base(), whiteoutFirst), 1);
    Path last = rootfsOf(List.of(base(), whiteoutLast), 2);
    for (Path rootfs : List.of(first, last)) {
      assertThat(TestStores.list(rootfs.resolve("redo"))).containsExactly("new");
      assertThat(rootfs.resolve("file")).hasContent("new file");
    }
    assertThat(TreeSnapshot.of(first, false)).isEqualTo(TreeSnapshot.of(last, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_whiteoutNamingNoFile_isRejectedAndNothingIsKept(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    for (String bad : List.of(".wh.", ".wh..", ".wh...", "etc/.wh..")) {
      byte[] top = new TarBuilder().dir("etc", 0755).file(bad, "").build();
      Path layout = TestLayouts.write(dir.resolve("bad" + bad.length() + bad.hashCode()), "bad:1",
          List.of(base(), top));
      assertThatThrownBy(() -> store.load(layout))
          .isInstanceOf(UnsafeArchiveEntryException.class)
          .hasMessageContaining("whiteout");
    }
    assertThat(store.images()).isEmpty();
    assertThat(store.layers()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void diff_containerDeletesAndAdds_writesWhiteoutsAndCommitReproducesTree(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Path rootfs = rootfsOf(List.of(base()), 1);
    String cid = TestStores.containerId(1);
    Files.delete(rootfs.resolve("etc/gone"));
    TestStores.deleteTree(rootfs.resolve("data"));
    Files.writeString(rootfs.resolve("etc/added"), "added");
    TestStores.deleteTree(rootfs.resolve("opaque"));
    Files.createDirectory(rootfs.resolve("opaque"));
    Files.writeString(rootfs.resolve("opaque/fresh"), "fresh");

    ByteArrayOutputStream diff = new ByteArrayOutputStream();
    store.diff(cid, diff);
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(diff.toByteArray()))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        names.add(e.getName());
      }
    }
    assertThat(names).contains("etc/.wh.gone", ".wh.data", "etc/added", "opaque/fresh")
        .doesNotContain("etc/keep", "data/a");
    assertThat(names.contains("opaque/.wh..wh..opq") || names.contains("opaque/.wh.old"))
        .as("a re-created directory hides the old contents: %s", names).isTrue();
    Map<String, String> before = TreeSnapshot.of(rootfs, false);

    Image committed = store.commit(cid, ImageOptions.defaults());
    String cid2 = TestStores.containerId(2);
    store.createContainerLayer(cid2, committed.id());
    assertThat(TreeSnapshot.of(store.mount(cid2), false)).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void commit_containerCreatedWhiteoutLookalike_isRefusedNotTurnedIntoDeletion(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Path rootfs = rootfsOf(List.of(base()), 1);
    Files.writeString(rootfs.resolve("etc/.wh.keep"), "not a deletion");
    assertThatThrownBy(() -> store.commit(TestStores.containerId(1), ImageOptions.defaults()))
        .isInstanceOf(ImageFormatException.class)
        .hasMessageContaining(".wh.");
    assertThat(store.images()).hasSize(1);
    assertThat(store.layers()).hasSize(1);
  }
}

package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A failed import or load leaves the store exactly as it was, and the next one works. */
class FailureAtomicityTest {
  @TempDir Path dir;
  private Store store;

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  /** A stream that fails after a number of bytes, like a network copy cut midway. */
  private static final class Failing extends FilterInputStream {
    private long left;

    Failing(InputStream in, long failAfter) {
      super(in);
      this.left = failAfter;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        throw new IOException("connection reset (simulated)");
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      left -= Math.max(n, 0);
      return n;
    }
  }

  /** Files the store keeps, apart from its database, lock and empty directories. */
  private List<String> storeFiles() throws IOException {
    Path root = dir.resolve("root");
    try (var walk = Files.walk(root)) {
      return walk.filter(p -> !Files.isDirectory(p))
          .map(p -> root.relativize(p).toString())
          .filter(p -> !p.startsWith("metadata.db") && !p.equals("storage.lock")
              && !p.equals("overlay/.probed"))
          .sorted().toList();
    }
  }

  private void assertEmptyStore(String driver) throws IOException {
    assertThat(store.images()).isEmpty();
    assertThat(store.layers()).isEmpty();
    assertThat(storeFiles()).as("no blob, temp file or layer file left").isEmpty();
    assertThat(TestStores.layerDirectories(dir, driver)).as("no layer directory left")
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_streamFailsMidway_leavesNothingAndNextImportWorks(String driver)
      throws Exception {
    Path tar = TestStores.busyboxTar(dir);
    store = TestStores.open(dir, driver);
    try (InputStream in = new Failing(Files.newInputStream(tar), Files.size(tar) / 2)) {
      assertThatThrownBy(() -> store.importRootfs(in,
          ImageOptions.builder().reference("broken").build()))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining("nothing was stored")
          .hasMessageContaining("connection reset");
    }
    assertEmptyStore(driver);

    Image image = store.importRootfs(tar, ImageOptions.builder().reference("ok").build());
    assertThat(store.images()).extracting(Image::id).containsExactly(image.id());
    assertThat(store.findImage("broken")).isEmpty();
    String cid = TestStores.containerId(1);
    store.createContainerLayer(cid, image.id());
    assertThat(store.mount(cid).resolve("bin/busybox")).isRegularFile();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_secondLayerCorrupt_rejectsWholeArchiveNamingBothDigests(String driver)
      throws Exception {
    byte[] good = new TarBuilder().file("a", "a").build();
    byte[] second = new TarBuilder().file("b", "b").build();
    Path layout = TestLayouts.write(dir.resolve("layout"), "corrupt:1", List.of(good, second));
    String expected = TestLayouts.sha256(second);
    Path blob = layout.resolve("blobs/sha256/" + expected.substring(7));
    byte[] tampered = new TarBuilder().file("b", "x").build();
    Files.write(blob, tampered);
    store = TestStores.open(dir, driver);

    assertThatThrownBy(() -> store.load(layout))
        .isInstanceOf(DigestMismatchException.class)
        .hasMessageContaining(expected)
        .hasMessageContaining(TestLayouts.sha256(tampered));
    assertEmptyStore(driver);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_layerMatchingExistingDiffIdButTampered_isStillRejected(String driver)
      throws Exception {
    byte[] layer = new TarBuilder().file("a", "a").build();
    store = TestStores.open(dir, driver);
    store.load(TestLayouts.write(dir.resolve("first"), "first:1", List.of(layer)));
    Path layout = TestLayouts.write(dir.resolve("second"), "second:1", List.of(layer));
    Path blob = layout.resolve("blobs/sha256/" + TestLayouts.sha256(layer).substring(7));
    byte[] tampered = layer.clone();
    tampered[600] ^= 1;
    Files.write(blob, tampered);

    assertThatThrownBy(() -> store.load(layout)).isInstanceOf(DigestMismatchException.class);
    assertThat(store.images()).hasSize(1);
    assertThat(store.findImage("localhost/second:1")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_notATar_failsWithFormatErrorAndLeavesNothing(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Path junk = Files.write(dir.resolve("junk"), new byte[4096 + 7]);
    Files.write(junk, "this is not a tar archive at all".getBytes());
    assertThatThrownBy(() -> store.importRootfs(junk, ImageOptions.defaults()))
        .isInstanceOf(ImageFormatException.class).hasMessageContaining("tar");
    assertEmptyStore(driver);
  }
}

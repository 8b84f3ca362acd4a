package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Uncompressed layers are kept as an index into the unpacked layer (overlay) instead of a
 * second copy; saving must still give back the exact bytes that were loaded, whatever the
 * layer did to its own files, and must refuse to hand out bytes the layer no longer holds.
 */
class TarIndexTest {
  @TempDir Path dir;
  private Store store;

  @AfterEach
  void tearDown() {
    TestStores.shutdown(store);
  }

  private static byte[] mixedLayer() {
    return new TarBuilder()
        .dir("usr", 0755)
        .dir("usr/share", 0755)
        .file("usr/share/empty", "")
        .file("usr/share/one", "1")
        .file("usr/share/block", "b".repeat(512))
        .file("usr/share/block-and-one", "c".repeat(513))
        .file("usr/share/big", "0123456789abcdef".repeat(20_000))
        .file("usr/share/" + "long-name-".repeat(20), "long")
        .file("usr/share/pax", "with records", 04755,
            Map.of("SCHILY.xattr.user.berth", "yes"))
        .symlink("usr/share/link", "big")
        .hardlink("usr/share/hard", "usr/share/big")
        .build();
  }

  /** Loads {@code layers} as one image and returns the bytes of layer {@code i} as saved. */
  private byte[] loadAndSave(List<byte[]> layers, String ref, int i) throws IOException {
    store.load(TestLayouts.write(dir.resolve("in-" + ref.hashCode()), ref, layers));
    return saved(ref, TestLayouts.sha256(layers.get(i)));
  }

  private byte[] saved(String ref, String digest) throws IOException {
    Path out = dir.resolve("out-" + System.nanoTime());
    store.save(ref, out, ArchiveFormat.OCI_LAYOUT);
    return Files.readAllBytes(out.resolve("blobs/sha256").resolve(digest.substring(7)));
  }

  private Path indexOf(byte[] layer) {
    return dir.resolve("root/blobs/tarindex").resolve(TestLayouts.sha256(layer).substring(7));
  }

  private Path copyOf(byte[] layer) {
    return dir.resolve("root/blobs/sha256").resolve(TestLayouts.sha256(layer).substring(7));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_plainLayer_savesTheSameBytesAndOverlayKeepsOnlyAnIndex(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    byte[] layer = mixedLayer();

    byte[] saved = loadAndSave(List.of(layer), "localhost/mixed:1", 0);

    assertThat(saved).isEqualTo(layer);
    if (driver.equals("overlay")) {
      assertThat(indexOf(layer)).exists();
      assertThat(Files.size(indexOf(layer))).isLessThan(layer.length / 4);
      assertThat(copyOf(layer)).doesNotExist();
    } else {
      assertThat(copyOf(layer)).exists();
      assertThat(indexOf(layer)).doesNotExist();
    }
  }

  @Test
  void load_layerThatReplacesItsOwnFiles_savesTheSameBytes() throws Exception {
    store = TestStores.open(dir, "overlay");
    byte[] layer = new TarBuilder()
        .file("a", "first content of a")
        .file("a", "second")
        .dir("d", 0755)
        .file("d/x", "x".repeat(70_000))
        .symlink("d", "/etc")
        .file("f", "f before the hard link")
        .hardlink("h", "f")
        .file("f", "f after")
        .file("g", "a file that becomes a directory")
        .dir("g", 0700)
        .file("g/inside", "inside")
        .build();

    byte[] saved = loadAndSave(List.of(layer), "localhost/rewrites:1", 0);

    assertThat(saved).isEqualTo(layer);
    assertThat(indexOf(layer)).exists();
  }

  @Test
  void save_layerFileChangedOnDisk_failsAsCorruptAndWritesNothing() throws Exception {
    store = TestStores.open(dir, "overlay");
    byte[] layer = new TarBuilder().file("payload", "original bytes").build();
    store.load(TestLayouts.write(dir.resolve("in"), "localhost/changed:1", List.of(layer)));
    Path payload;
    try (Stream<Path> s = Files.walk(dir.resolve("root"))) {
      payload = s.filter(p -> p.getFileName().toString().equals("payload")).findFirst()
          .orElseThrow();
    }
    Files.writeString(payload, "tampered bytes", StandardCharsets.UTF_8);
    Path target = dir.resolve("out.tar");

    assertThatThrownBy(() -> store.save("localhost/changed:1", target,
        ArchiveFormat.DOCKER_ARCHIVE))
        .isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining(TestLayouts.sha256(layer));
    assertThat(target).doesNotExist();
  }

  @Test
  void removeImage_anotherImageHasTheSameLayerOnOtherParent_stillSaves() throws Exception {
    store = TestStores.open(dir, "overlay");
    byte[] shared = mixedLayer();
    byte[] base = new TarBuilder().file("etc/base", "base").build();
    store.load(TestLayouts.write(dir.resolve("a"), "localhost/a:1", List.of(shared)));
    store.load(TestLayouts.write(dir.resolve("b"), "localhost/b:1", List.of(base, shared)));

    store.removeImage("localhost/a:1");

    assertThat(saved("localhost/b:1", TestLayouts.sha256(shared))).isEqualTo(shared);
  }
}

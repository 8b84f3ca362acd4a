package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Berth's own save and load, round trip: several images and tags in one archive, digests and
 * ids kept, reproducible bytes; and archives whose metadata is inconsistent or hostile.
 */
class ArchiveFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Store store;
  private Image one;
  private Image two;

  @BeforeEach
  void setUp() throws Exception {
    store = TestStores.open(dir, "vfs");
    Path tar = TestStores.busyboxTar(dir);
    one = store.importRootfs(tar, ImageOptions.builder().reference("localhost/one:1")
        .created(Instant.parse("2026-01-01T00:00:00Z")).build());
    store.tag(one.id(), "quay.io/berth/one:latest");
    byte[] extra = new TarBuilder().dir("opt", 0755).file("opt/two", "two").build();
    Image base = store.load(TestLayouts.write(dir.resolve("l2"), "localhost/two:1",
        List.of(new TarBuilder().file("etc/base", "base").build(), extra))).get(0);
    two = base;
  }

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
  }

  private Store fresh(String name) {
    return Store.builder().root(dir.resolve(name + "-root")).runRoot(dir.resolve(name + "-run"))
        .driver("vfs").build();
  }

  @ParameterizedTest
  @EnumSource(ArchiveFormat.class)
  void save_severalImagesAndTags_loadsBackWithSameIdsAndNames(ArchiveFormat format)
      throws Exception {
    Path target = dir.resolve("out-" + format);
    store.save(List.of("localhost/one:1", "quay.io/berth/one", "localhost/two:1"), target,
        format);
    try (Store other = fresh("fresh-" + format)) {
      List<Image> loaded = other.load(target);
      assertThat(loaded).extracting(Image::id).containsExactly(one.id(), two.id());
      assertThat(other.image(one.id()).names()).containsExactlyInAnyOrder(
          "localhost/one:1", "quay.io/berth/one:latest");
      assertThat(other.image("localhost/two:1").layerIds()).hasSize(2);
      if (format != ArchiveFormat.DOCKER_ARCHIVE) {
        assertThat(other.image(one.id()).digest()).isEqualTo(one.digest());
        assertThat(other.image(two.id()).digest()).isEqualTo(two.digest());
      }
      assertThat(other.image(two.id()).config()).isEqualTo(two.config());
    }
  }

  @ParameterizedTest
  @EnumSource(value = ArchiveFormat.class, names = {"DOCKER_ARCHIVE", "OCI_ARCHIVE"})
  void save_sameImagesTwice_givesIdenticalBytes(ArchiveFormat format) throws Exception {
    Path a = dir.resolve("a.tar");
    Path b = dir.resolve("b.tar");
    store.save(List.of("localhost/one:1", "localhost/two:1"), a, format);
    store.save(List.of("localhost/one:1", "localhost/two:1"), b, format);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void save_layoutThatHasOtherImages_keepsThemInTheIndex() throws Exception {
    Path layout = dir.resolve("layout");
    store.save("localhost/one:1", layout, ArchiveFormat.OCI_LAYOUT);
    store.save("localhost/two:1", layout, ArchiveFormat.OCI_LAYOUT);
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertThat(index.path("manifests")).hasSize(2);
    try (Store other = fresh("layout")) {
      assertThat(other.load(layout)).hasSize(2);
    }
  }

  @Test
  void save_unknownImage_failsWithoutWriting() {
    Path target = dir.resolve("none.tar");
    assertThatThrownBy(() -> store.save(List.of("localhost/one:1", "nothere"), target,
        ArchiveFormat.DOCKER_ARCHIVE)).isInstanceOf(NoSuchImageException.class);
    assertThat(target).doesNotExist();
  }

  /** Saves image one as a layout and lets the test tamper with it. */
  private Path layout() throws Exception {
    Path layout = dir.resolve("tamper");
    store.save("localhost/one:1", layout, ArchiveFormat.OCI_LAYOUT);
    return layout;
  }

  private static Path manifestOf(Path layout) throws Exception {
    String digest = JSON.readTree(layout.resolve("index.json").toFile())
        .path("manifests").get(0).path("digest").asText();
    return layout.resolve("blobs/sha256/" + digest.substring(7));
  }

  /** Rewrites the manifest and points the index at the new bytes. */
  private static void rewriteManifest(Path layout, ObjectNode manifest) throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(manifest);
    String digest = TestLayouts.sha256(bytes);
    Files.write(layout.resolve("blobs/sha256/" + digest.substring(7)), bytes);
    ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ObjectNode entry = (ObjectNode) index.path("manifests").get(0);
    entry.put("digest", digest);
    entry.put("size", bytes.length);
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  @Test
  void load_hostileOrInconsistentLayouts_areRejectedWithoutRecords() throws Exception {
    try (Store target = fresh("hostile")) {
      Path layout = layout();
      ObjectNode manifest = (ObjectNode) JSON.readTree(manifestOf(layout).toFile());

      ObjectNode ambiguous = manifest.deepCopy();
      ambiguous.putArray("manifests");
      rewriteManifest(layout, ambiguous);
      assertThatThrownBy(() -> target.load(layout)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("ambiguous");

      ObjectNode gzipClaim = manifest.deepCopy();
      ((ObjectNode) gzipClaim.path("layers").get(0))
          .put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip");
      rewriteManifest(layout, gzipClaim);
      assertThatThrownBy(() -> target.load(layout)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("media type says gzip");

      ObjectNode foreign = manifest.deepCopy();
      ((ObjectNode) foreign.path("layers").get(0)).putArray("urls").add("http://evil/");
      rewriteManifest(layout, foreign);
      assertThatThrownBy(() -> target.load(layout)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("never fetches");

      ObjectNode badDigest = manifest.deepCopy();
      ((ObjectNode) badDigest.path("layers").get(0)).put("digest", "sha256:../../etc/passwd");
      rewriteManifest(layout, badDigest);
      assertThatThrownBy(() -> target.load(layout)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("64 lowercase hex");

      ObjectNode deep = manifest.deepCopy();
      ObjectNode n = deep.putObject("annotations");
      for (int i = 0; i < 200; i++) {
        n = n.putObject("x");
      }
      rewriteManifest(layout, deep);
      assertThatThrownBy(() -> target.load(layout)).isInstanceOf(ImageFormatException.class);

      assertThat(target.images()).isEmpty();
      assertThat(target.layers()).isEmpty();
    }
  }

  @Test
  void load_dockerArchiveWithPathsLeavingIt_isRejected() throws Exception {
    Path archive = dir.resolve("evil.tar");
    Files.write(archive, new TarBuilder()
        .file("manifest.json", "[{\"Config\":\"../../etc/passwd\",\"RepoTags\":[],"
            + "\"Layers\":[]}]").build());
    try (Store target = fresh("evil")) {
      assertThatThrownBy(() -> target.load(archive)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("leaves the archive");
    }
  }

  @Test
  void load_ociArchiveWithSymlinkMember_isRejected() throws Exception {
    Path archive = dir.resolve("link.tar");
    Files.write(archive, new TarBuilder()
        .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
        .symlink("index.json", "/etc/passwd").build());
    try (Store target = fresh("link")) {
      assertThatThrownBy(() -> target.load(archive)).isInstanceOf(ImageFormatException.class);
    }
  }
}

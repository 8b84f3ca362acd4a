package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Image records: names, lookups, tags, removal, config changes on import. */
class ImagesTest {
  @TempDir Path dir;
  private Store store;

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void findImage_byNameIdDigestAndPrefix_findsTheImage(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    Image image = store.importRootfs(TestStores.busyboxTar(dir),
        ImageOptions.builder().reference("busybox").build());
    Image local = store.importRootfs(TestStores.busyboxTar(dir),
        ImageOptions.builder().reference("localhost/tool:1").build());
    assertThat(image.names()).containsExactly("docker.io/library/busybox:latest");
    for (String key : List.of("busybox", "busybox:latest", "docker.io/library/busybox",
        "docker.io/busybox:latest", image.id(), "sha256:" + image.id(),
        image.id().substring(0, 12), image.digest().orElseThrow(),
        "docker.io/library/busybox@" + image.digest().orElseThrow())) {
      assertThat(store.findImage(key)).as(key).map(Image::id).contains(image.id());
    }
    assertThat(store.image("tool:1").id()).as("short name finds a localhost image")
        .isEqualTo(local.id());
    assertThat(store.findImage("docker.io/library/tool:1")).isEmpty();
    assertThat(store.findImage("busybox:other")).isEmpty();
    assertThatThrownBy(() -> store.image("nothere"))
        .isInstanceOf(NoSuchImageException.class).hasMessageContaining("nothere");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void tag_nameOfAnotherImage_movesTheName(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    Path tar = TestStores.busyboxTar(dir);
    Image a = store.importRootfs(tar, ImageOptions.builder().reference("app:1")
        .created(Instant.parse("2026-01-01T00:00:00Z")).build());
    Image b = store.importRootfs(tar, ImageOptions.builder().reference("app:2")
        .created(Instant.parse("2026-01-02T00:00:00Z")).build());
    assertThat(a.id()).isNotEqualTo(b.id());
    assertThat(a.layerIds()).as("same content, one shared layer").isEqualTo(b.layerIds());

    Image tagged = store.tag(b.id(), "app:1");
    assertThat(tagged.names()).containsExactly("docker.io/library/app:2",
        "docker.io/library/app:1");
    assertThat(store.image(a.id()).names()).isEmpty();
    assertThat(store.untag("app:2").names()).containsExactly("docker.io/library/app:1");
    assertThatThrownBy(() -> store.untag("app:2")).isInstanceOf(NoSuchImageException.class);
    assertThatThrownBy(() -> store.tag(b.id(), "Bad Name"))
        .isInstanceOf(InvalidReferenceException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void removeImage_sharedLayersAndUsers_keepsWhatOthersNeed(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    Path tar = TestStores.busyboxTar(dir);
    Image a = store.importRootfs(tar, ImageOptions.builder().reference("a")
        .created(Instant.EPOCH).build());
    Image b = store.importRootfs(tar, ImageOptions.builder().reference("b").build());
    String cid = TestStores.containerId(1);
    store.createContainerLayer(cid, b.id());
    assertThatThrownBy(() -> store.removeImage("b"))
        .isInstanceOf(ImageInUseException.class).hasMessageContaining(cid);

    store.removeImage("a");
    assertThat(store.findImage("a")).isEmpty();
    assertThat(store.layers()).as("the layer b shares stays").hasSize(1);
    assertThat(store.mount(cid).resolve("etc/motd")).hasContent("hello from berth");

    store.removeContainerLayer(cid);
    store.removeImage("b");
    assertThat(store.images()).isEmpty();
    assertThat(store.layers()).isEmpty();
    try (var blobs = Files.list(dir.resolve("root/blobs/sha256"))) {
      assertThat(blobs).isEmpty();
    }
    assertThat(TestStores.layerDirectories(dir, driver)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_withConfigChanges_appliesThemToAnEmptyConfig(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Instant created = Instant.parse("2026-03-04T05:06:07Z");
    Image image = store.importRootfs(TestStores.busyboxTar(dir), ImageOptions.builder()
        .reference("configured:1").author("Berth tests").message("from a tarball")
        .created(created)
        .changes(ConfigChanges.builder().cmd(List.of("sh", "-c", "echo hi"))
            .entrypoint(List.of("/bin/env")).env("PATH", "/bin").env("MODE", "test")
            .workingDir("/home/berth").user("1000:1000").label("a", "1").exposedPort("8080")
            .stopSignal("SIGINT").build())
        .build());
    ImageConfig c = image.config();
    assertThat(c.cmd()).containsExactly("sh", "-c", "echo hi");
    assertThat(c.entrypoint()).containsExactly("/bin/env");
    assertThat(c.env()).containsExactly("PATH=/bin", "MODE=test");
    assertThat(c.workingDir()).contains("/home/berth");
    assertThat(c.user()).contains("1000:1000");
    assertThat(c.labels()).isEqualTo(Map.of("a", "1"));
    assertThat(c.exposedPorts()).containsExactly("8080/tcp");
    assertThat(c.stopSignal()).contains("SIGINT");
    assertThat(c.author()).contains("Berth tests");
    assertThat(c.created()).contains(created);
    assertThat(image.created()).isEqualTo(created);
    assertThat(c.diffIds()).hasSize(1);
    assertThat(c.history()).singleElement().satisfies(h ->
        assertThat(h.comment()).contains("from a tarball"));
    assertThat(image.size()).isGreaterThan(Files.size(TestStores.busyboxTar(dir)) - 1);

    // The same config comes back from a fresh store on the same root.
    store.close();
    store = TestStores.open(dir, driver);
    assertThat(store.image("configured:1").config()).isEqualTo(c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_sameTarTwiceWithFixedTime_givesTheSameImage(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Path tar = TestStores.busyboxTar(dir);
    ImageOptions options = ImageOptions.builder().created(Instant.EPOCH).build();
    Image first = store.importRootfs(tar, options);
    Image second = store.importRootfs(tar, options);
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(store.images()).hasSize(1);
    assertThat(store.layers()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void removeLayer_layerOfImagesOrParentOfLayer_isRefusedNamingTheUsers(String driver)
      throws Exception {
    store = TestStores.open(dir, driver);
    Image two = store.load(TestLayouts.write(dir.resolve("two"), "localhost/two:1", List.of(
        new TarBuilder().file("etc/base", "base").build(),
        new TarBuilder().file("etc/top", "top").build()))).get(0);
    String base = two.layerIds().get(0);
    String top = two.layerIds().get(1);

    assertThatThrownBy(() -> store.removeLayer(top))
        .isInstanceOfSatisfying(LayerInUseException.class, e -> {
          assertThat(e.imageIds()).containsExactly(two.id());
          assertThat(e.childLayerIds()).isEmpty();
        })
        .hasMessageContaining(two.id());
    assertThatThrownBy(() -> store.removeLayer(base))
        .isInstanceOfSatisfying(LayerInUseException.class,
            e -> assertThat(e.childLayerIds()).containsExactly(top));
    assertThatThrownBy(() -> store.removeLayer("0".repeat(64)))
        .isInstanceOf(NoSuchLayerException.class);

    assertThat(store.layers()).extracting(Layer::id).contains(base, top);
    store.removeImage(two.id());
    assertThat(store.layers()).as("the last image took its layers along").isEmpty();
  }
}

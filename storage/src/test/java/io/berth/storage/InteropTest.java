package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.storage.internal.sys.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Berth against the standard tools, both ways: images podman made load into Berth and unpack
 * to the tree umoci unpacks; images Berth saves load in podman with the same id, pass
 * skopeo inspect, and umoci unpacks them to the tree Berth mounts.
 */
class InteropTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private Tools tools;
  private Store store;

  @BeforeEach
  void setUp() throws Exception {
    tools = new Tools(dir);
  }

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    tools.cleanPodman();
    TestStores.assertNoMountsUnder(dir);
  }

  /** A two-layer podman image: an import, then a commit of changes made through podman mount. */
  private String podmanImage() throws Exception {
    Path tar = TestStores.busyboxTar(dir);
    tools.podman("import", "--change", "CMD [\"sh\"]", tar.toString(),
        "localhost/berth-interop-base:1");
    tools.podman("create", "--name", "berth-interop-ctr", "localhost/berth-interop-base:1");
    Path rootfs = Path.of(tools.podman("mount", "berth-interop-ctr").trim());
    Files.delete(rootfs.resolve("etc/hostname"));
    Files.writeString(rootfs.resolve("etc/motd"), "changed by podman\n");
    Path tool = Files.writeString(rootfs.resolve("bin/tool"), "#!/bin/sh\necho tool\n");
    Posix.chmod(tool, 04755);
    Files.createDirectories(rootfs.resolve("opt/app/data"));
    Files.writeString(rootfs.resolve("opt/app/data/file"), "data");
    Files.createSymbolicLink(rootfs.resolve("opt/app/link"), Path.of("data/file"));
    Files.createLink(rootfs.resolve("opt/app/hard"), rootfs.resolve("opt/app/data/file"));
    Posix.lchown(rootfs.resolve("opt/app/data"), 1000, 1000);
    tools.podman("unmount", "berth-interop-ctr");
    tools.podman("commit", "--change", "ENV GREETING=hi", "berth-interop-ctr",
        "localhost/berth-interop:2");
    return "localhost/berth-interop:2";
  }

  private TreeMap<String, String> berthTree(Image image, int n) throws Exception {
    String cid = TestStores.containerId(n);
    store.createContainerLayer(cid, image.id());
    try {
      return TreeSnapshot.of(store.mount(cid), true);
    } finally {
      store.unmount(cid, true);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_podmanSavedArchivesAndSkopeoLayout_unpackLikeUmoci(String driver) throws Exception {
    String ref = podmanImage();
    String podmanId = tools.podman("image", "inspect", "--format", "{{.Id}}", ref).trim();
    Path docker = dir.resolve("podman-docker.tar");
    Path oci = dir.resolve("podman-oci.tar");
    Path layout = dir.resolve("skopeo-layout");
    tools.podman("save", "--format", "docker-archive", "-o", docker.toString(), ref);
    tools.podman("save", "--format", "oci-archive", "-o", oci.toString(), ref);
    Tools.skopeo("copy", "oci-archive:" + oci, "oci:" + layout + ":interop");
    Path zstdLayout = dir.resolve("skopeo-zstd-layout");
    Tools.skopeo("copy", "--dest-compress-format", "zstd", "docker-archive:" + docker,
        "oci:" + zstdLayout + ":interop");
    TreeMap<String, String> expected =
        TreeSnapshot.of(Tools.umociUnpack(layout, "interop", dir.resolve("umoci")), true);
    assertThat(expected).containsKey("opt/app/hard").doesNotContainKey("etc/hostname");

    store = TestStores.open(dir, driver);
    List<Image> fromOci = store.load(oci);
    List<Image> fromDocker = store.load(docker);
    List<Image> fromLayout = store.load(layout);

    assertThat(fromDocker).singleElement().satisfies(i -> {
      assertThat(i.id()).isEqualTo(podmanId);
      assertThat(i.layerIds()).hasSize(2);
      assertThat(i.config().env()).contains("GREETING=hi");
      assertThat(i.config().cmd()).containsExactly("sh");
    });
    assertThat(fromOci).singleElement().extracting(Image::id).isEqualTo(podmanId);
    assertThat(fromLayout).singleElement().extracting(Image::id).isEqualTo(podmanId);

    Image image = store.image(ref);
    assertThat(image.names()).contains(ref + "");
    assertThat(store.layers()).as("one set of layers, shared by all three loads").hasSize(2);
    assertThat(berthTree(image, 1)).as("unpacked from podman's gzip layers").isEqualTo(expected);

    try (Store zstdStore = Store.builder().root(dir.resolve("zstd-root"))
        .runRoot(dir.resolve("zstd-run")).driver(driver).build()) {
      Image fromZstd = zstdStore.load(zstdLayout).get(0);
      assertThat(fromZstd.id()).isEqualTo(podmanId);
      assertThat(TestLayouts.text(zstdLayout.resolve("blobs/sha256/"
          + fromZstd.digest().orElseThrow().substring(7)))).contains("tar+zstd");
      String cid = TestStores.containerId(2);
      zstdStore.createContainerLayer(cid, fromZstd.id());
      try {
        assertThat(TreeSnapshot.of(zstdStore.mount(cid), true))
            .as("unpacked from skopeo's zstd layers").isEqualTo(expected);
      } finally {
        zstdStore.unmount(cid, true);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void save_berthImage_loadsInPodmanAndPassesSkopeoAndUmoci(String driver) throws Exception {
    store = TestStores.open(dir, driver);
    Image base = store.importRootfs(TestStores.busyboxTar(dir),
        ImageOptions.builder().reference("localhost/berth-out-base:1").build());
    String cid = TestStores.containerId(7);
    store.createContainerLayer(cid, base.id());
    Path rootfs = store.mount(cid);
    Files.delete(rootfs.resolve("etc/hostname"));
    Path tool = Files.writeString(rootfs.resolve("bin/tool"), "#!/bin/sh\n");
    Posix.chmod(tool, 06755);
    Files.createDirectories(rootfs.resolve("srv/www"));
    Files.writeString(rootfs.resolve("srv/www/index.html"), "<h1>berth</h1>");
    Files.createLink(rootfs.resolve("srv/www/same.html"), rootfs.resolve("srv/www/index.html"));
    Files.createSymbolicLink(rootfs.resolve("srv/current"), Path.of("www"));
    Posix.mknod(rootfs.resolve("srv/fifo"), Posix.S_IFIFO | 0600, 0, 0);
    Posix.lchown(rootfs.resolve("srv/www"), 33, 33);
    store.unmount(cid, false);
    Image image = store.commit(cid, ImageOptions.builder().reference("localhost/berth-out:2")
        .changes(ConfigChanges.builder().cmd(List.of("httpd", "-f")).env("MODE", "prod")
            .label("org.example.team", "berth").build()).build());
    TreeMap<String, String> berth = berthTree(image, 8);

    Path docker = dir.resolve("berth-docker.tar");
    Path oci = dir.resolve("berth-oci.tar");
    Path layout = dir.resolve("berth-layout");
    store.save(List.of("localhost/berth-out:2"), docker, ArchiveFormat.DOCKER_ARCHIVE);
    store.save(List.of("localhost/berth-out:2"), oci, ArchiveFormat.OCI_ARCHIVE);
    store.save(List.of("localhost/berth-out:2"), layout, ArchiveFormat.OCI_LAYOUT);

    for (Path archive : List.of(docker, oci)) {
      tools.podman("load", "-i", archive.toString());
      assertThat(tools.podman("image", "inspect", "--format", "{{.Id}}",
          "localhost/berth-out:2").trim()).as("podman's id after loading %s", archive)
          .isEqualTo(image.id());
      JsonNode config = JSON.readTree(tools.podman("image", "inspect", "--format",
          "{{json .Config}}", "localhost/berth-out:2"));
      assertThat(config.path("Cmd").toString()).isEqualTo("[\"httpd\",\"-f\"]");
      assertThat(config.path("Labels").path("org.example.team").asText()).isEqualTo("berth");
      tools.cleanPodman();
    }

    JsonNode dockerInspect = JSON.readTree(Tools.skopeo("inspect", "docker-archive:" + docker));
    assertThat(dockerInspect.path("Layers")).hasSize(2);
    JsonNode ociInspect = JSON.readTree(Tools.skopeo("inspect", "oci-archive:" + oci));
    assertThat(ociInspect.path("Digest").asText()).isEqualTo(image.digest().orElseThrow());
    JsonNode layoutInspect = JSON.readTree(Tools.skopeo("inspect",
        "oci:" + layout + ":localhost/berth-out:2"));
    assertThat(layoutInspect.path("Digest").asText()).isEqualTo(image.digest().orElseThrow());
    assertThat(layoutInspect.path("Env").toString()).contains("MODE=prod");

    Path unpacked = Tools.umociUnpack(layout, "localhost/berth-out:2", dir.resolve("umoci"));
    Map<String, String> umoci = TreeSnapshot.of(unpacked, true);
    assertThat(umoci).containsKey("srv/fifo").doesNotContainKey("etc/hostname");
    assertThat(umoci).isEqualTo(berth);
  }
}

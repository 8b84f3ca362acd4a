package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.berth.security.ImageArchive.Layer;
import io.berth.security.ImageArchive.Member;
import io.berth.storage.DigestMismatchException;
import io.berth.storage.Image;
import io.berth.storage.ImageFormatException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Archives whose metadata lies or points outside: docker-archive paths that leave the
 * archive, links in archives, digests, sizes and diff ids that do not match (checked before
 * anything is kept, even when the store already has a layer with the claimed diff id),
 * malformed digests, ambiguous manifests, media types that disagree with the data, and
 * foreign layers (never fetched). All are rejected and the store is left as it was.
 */
class ArchiveMetadataTest extends HostileInputTest {
  private static final AtomicInteger FILES = new AtomicInteger();

  private static final byte[] LAYER = Tar.empty().file("hello", "hello\n").bytes();
  private static final byte[] OTHER = Tar.empty().file("hello", "tampered\n").bytes();

  /** Runs before the shared checks, which remove every image but the base. */
  @AfterEach
  void baseImageKept() {
    assertThat(root.runtime.images().list()).extracting(Image::names)
        .as("the base image survives every rejected load")
        .contains(List.of(SecurityRoot.BASE));
  }

  private static Path file(String name) {
    return dir.resolve(FILES.incrementAndGet() + "-" + name);
  }

  /** An image of {@link #LAYER}, written as an OCI layout after {@code tamper} edits it. */
  private static Path layout(Consumer<ImageArchive> tamper) throws Exception {
    ImageArchive a = ImageArchive.ofTars("localhost/meta:1", LAYER);
    tamper.accept(a);
    return a.writeLayout(file("layout"));
  }

  private static Path docker(Consumer<Map<String, Member>> tamper) throws Exception {
    Map<String, Member> members = ImageArchive.ofTars("localhost/meta:1", LAYER)
        .dockerMembers();
    tamper.accept(members);
    return ImageArchive.writeTar(members, file("docker.tar"));
  }

  private static void dockerManifest(Map<String, Member> members, Consumer<ObjectNode> edit)
      throws Exception {
    var array = ImageArchive.JSON.readTree(members.get("manifest.json").data());
    edit.accept((ObjectNode) array.get(0));
    members.put("manifest.json", Member.file(ImageArchive.json(array)));
  }

  @Test
  void load_dockerArchivePathsLeavingTheArchive_areRejected() throws Exception {
    for (String path : List.of("../../../../" + canary.relative() + "/secret",
        "ok/../../secret", canary.secret().toString())) {
      Path layerPath = docker(m -> uncheck(() -> dockerManifest(m,
          e -> e.putArray("Layers").add(path))));
      assertThat(root.rejectedLoad(layerPath, ImageFormatException.class))
          .hasMessageContaining("'" + path + "'")
          .hasMessageMatching(".*(leaves the archive|not a relative path inside the archive).*");
      Path configPath = docker(m -> uncheck(() -> dockerManifest(m,
          e -> e.put("Config", path))));
      assertThat(root.rejectedLoad(configPath, ImageFormatException.class))
          .hasMessageContaining("Config").hasMessageContaining("'" + path + "'");
    }
  }

  @Test
  void load_dockerArchivePathsNamingSymlinks_followThemInsideTheArchiveOnly()
      throws Exception {
    Path toHost = docker(m -> {
      String layer = firstLayerPath(m);
      m.put(layer, Member.symlink(canary.secret().toString()));
    });
    assertThat(root.rejectedLoad(toHost, ImageFormatException.class))
        .hasMessageContaining("the archive has no member " + canary.relative() + "/secret");
    Path climbing = docker(m -> m.put(firstLayerPath(m),
        Member.symlink("../../../../" + canary.relative() + "/secret")));
    assertThat(root.rejectedLoad(climbing, ImageFormatException.class))
        .hasMessageContaining("leaves the archive");
    Path loop = docker(m -> {
      String layer = firstLayerPath(m);
      m.put(layer, Member.symlink("../loop-b"));
      m.put("loop-b", Member.symlink(layer));
    });
    assertThat(root.rejectedLoad(loop, ImageFormatException.class))
        .hasMessageContaining("too many links");

    // What docker save writes for a layer two images share: a link to the other copy.
    Path shared = docker(m -> {
      String layer = firstLayerPath(m);
      Member content = m.get(layer);
      m.put("0000/layer.tar", content);
      m.put(layer, Member.symlink("../0000/layer.tar"));
    });
    assertThat(root.runtime.images().load(shared)).extracting(i -> i.names().get(0))
        .containsExactly("localhost/meta:1");
    assertThat(root.inside("localhost/meta:1", "hello"))
        .containsEntry("hello", "file 0644 0:0 hello\n");
  }

  private static String firstLayerPath(Map<String, Member> m) {
    return m.keySet().stream().filter(k -> k.endsWith("/layer.tar")).findFirst().orElseThrow();
  }

  @Test
  void load_ociArchiveOrLayoutWithLinkedOrSpecialMembers_isRejected() throws Exception {
    ImageArchive a = ImageArchive.ofTars("localhost/meta:1", LAYER);
    String blob = "blobs/sha256/" + a.layerDigest(0).substring(7);
    Map<String, Member> index = a.ociMembers();
    index.put("index.json", Member.symlink(canary.secret().toString()));
    assertThat(root.rejectedLoad(ImageArchive.writeTar(index, file("oci.tar")),
        ImageFormatException.class)).hasMessageContaining("index.json")
        .hasMessageContaining("is a link");
    Map<String, Member> layer = a.ociMembers();
    layer.put("copy", layer.get(blob));
    layer.put(blob, Member.hardLink("copy"));
    assertThat(root.rejectedLoad(ImageArchive.writeTar(layer, file("oci.tar")),
        ImageFormatException.class)).hasMessageContaining(blob).hasMessageContaining("is a link");

    Map<String, Member> layoutLink = a.ociMembers();
    layoutLink.put(blob, Member.symlink(canary.secret().toString()));
    assertThat(root.rejectedLoad(ImageArchive.writeDirectory(layoutLink, file("layout")),
        ImageFormatException.class)).hasMessageContaining("is a symlink");
    Path blobsLinked = ImageArchive.writeDirectory(a.ociMembers(), file("layout"));
    Path real = Files.move(blobsLinked.resolve("blobs"), file("elsewhere"));
    Files.createSymbolicLink(blobsLinked.resolve("blobs"), real);
    assertThat(root.rejectedLoad(blobsLinked, ImageFormatException.class))
        .hasMessageContaining("blobs is a symlink");

    Path fifoBlob = ImageArchive.writeDirectory(a.ociMembers(), file("layout"));
    Files.delete(fifoBlob.resolve(blob));
    assertThat(new ProcessBuilder("mkfifo", fifoBlob.resolve(blob).toString()).start()
        .waitFor()).isZero();
    try (OpenWatch watch = OpenWatch.on(fifoBlob.resolve(blob))) {
      assertThat(root.rejectedLoad(fifoBlob, ImageFormatException.class))
          .hasMessageContaining(blob + " is not a regular file");
      assertThat(watch.opened()).as("the fifo blob was opened").isFalse();
    }
  }

  @Test
  void load_layerDigestSizeOrDiffIdMismatch_isRejectedBeforeAnythingIsKept() throws Exception {
    ImageArchive good = ImageArchive.ofTars("localhost/meta:1", LAYER);
    String digest = good.layerDigest(0);
    Map<String, Member> swapped = good.ociMembers();
    swapped.put("blobs/sha256/" + digest.substring(7), Member.file(OTHER));
    DigestMismatchException content = root.rejectedLoad(
        ImageArchive.writeDirectory(swapped, file("layout")), DigestMismatchException.class);
    assertThat(content.expected()).isEqualTo(digest);
    assertThat(content.actual()).isEqualTo(ImageArchive.sha256(OTHER));
    assertThat(content).hasMessageContaining("layer 1 (" + digest + ")");

    Path size = layout(a -> a.editManifest(m ->
        ((ObjectNode) m.path("layers").get(0)).put("size", LAYER.length + 1)));
    assertThat(root.rejectedLoad(size, ImageFormatException.class))
        .hasMessageContaining("has " + LAYER.length + " bytes but its descriptor says "
            + (LAYER.length + 1));

    String wrongDiffId = ImageArchive.sha256(OTHER);
    Path diffId = layout(a -> a.editConfig(c -> c.with("rootfs").putArray("diff_ids")
        .add(wrongDiffId)));
    DigestMismatchException d = root.rejectedLoad(diffId, DigestMismatchException.class);
    assertThat(d.expected()).isEqualTo(wrongDiffId);
    assertThat(d.actual()).isEqualTo(ImageArchive.sha256(LAYER));
    assertThat(d).hasMessageContaining("the config's diff id");

    String fake = ImageArchive.sha256("not what the blob holds".getBytes());
    ImageArchive configLie = ImageArchive.ofTars("localhost/meta:1", LAYER);
    configLie.editManifest(m -> ((ObjectNode) m.path("config")).put("digest", fake));
    Map<String, Member> configMembers = configLie.ociMembers();
    configMembers.put("blobs/sha256/" + fake.substring(7),
        Member.file(configLie.configBytes()));
    DigestMismatchException c = root.rejectedLoad(
        ImageArchive.writeDirectory(configMembers, file("layout")),
        DigestMismatchException.class);
    assertThat(c.actual()).isEqualTo(ImageArchive.sha256(configLie.configBytes()));
    assertThat(c).hasMessageContaining("config");

    ImageArchive manifestLie = ImageArchive.ofTars("localhost/meta:1", LAYER);
    Map<String, Member> manifestMembers = manifestLie.ociMembers();
    String realManifest = ImageArchive.JSON.readTree(manifestMembers.get("index.json").data())
        .path("manifests").get(0).path("digest").asText();
    manifestLie.editIndex(i -> ((ObjectNode) i.path("manifests").get(0)).put("digest", fake));
    manifestMembers = manifestLie.ociMembers();
    manifestMembers.put("blobs/sha256/" + fake.substring(7),
        manifestMembers.get("blobs/sha256/" + realManifest.substring(7)));
    assertThat(root.rejectedLoad(ImageArchive.writeDirectory(manifestMembers, file("layout")),
        DigestMismatchException.class).actual()).isEqualTo(realManifest);

    Path dockerBlob = docker(m -> uncheck(() -> {
      String hex = ImageArchive.sha256(LAYER).substring(7);
      m.remove(firstLayerPath(m));
      m.put("blobs/sha256/" + hex, Member.file(OTHER));
      dockerManifest(m, e -> e.putArray("Layers").add("blobs/sha256/" + hex));
    }));
    assertThat(root.rejectedLoad(dockerBlob, DigestMismatchException.class).actual())
        .isEqualTo(ImageArchive.sha256(OTHER));
  }

  /**
   * The store has a layer with diff id D. An archive claims D for different content: the
   * content is still hashed and refused, and the existing image keeps its own content.
   */
  @Test
  void load_claimsDiffIdOfALayerTheStoreHas_isStillCheckedAndRejected() throws Exception {
    root.runtime.images().load(ImageArchive.ofTars("localhost/first:1", LAYER)
        .writeLayout(file("first")));
    String claimed = ImageArchive.sha256(LAYER);
    for (Layer liar : List.of(
        new Layer(OTHER, ImageArchive.TAR, claimed),
        new Layer(Layer.gzip(OTHER).blob(), ImageArchive.TAR_GZIP, claimed))) {
      Path archive = ImageArchive.of("localhost/liar:1", liar).writeLayout(file("liar"));
      DigestMismatchException e = root.rejectedLoad(archive, DigestMismatchException.class);
      assertThat(e.expected()).isEqualTo(claimed);
      assertThat(e.actual()).isEqualTo(ImageArchive.sha256(OTHER));
      assertThat(root.runtime.images().find("localhost/liar:1")).isEmpty();
    }
    assertThat(root.inside("localhost/first:1", "hello"))
        .containsEntry("hello", "file 0644 0:0 hello\n");
  }

  @Test
  void load_malformedDigestStrings_areRejected() throws Exception {
    String hex = ImageArchive.sha256(LAYER).substring(7);
    for (String bad : List.of("sha256:" + hex.substring(1), "sha256:" + hex.toUpperCase(),
        "sha512:" + hex + hex, "sha256:../../../../" + canary.relative() + "/secret",
        hex, "sha256:" + hex + "\n", "")) {
      Path layer = layout(a -> a.editManifest(m ->
          ((ObjectNode) m.path("layers").get(0)).put("digest", bad)));
      assertThat(root.rejectedLoad(layer, ImageFormatException.class)).as(bad)
          .hasMessageContaining("Berth accepts only sha256: followed by 64 lowercase hex");
      Path diffId = layout(a -> a.editConfig(c -> c.with("rootfs").putArray("diff_ids")
          .add(bad)));
      assertThat(root.rejectedLoad(diffId, ImageFormatException.class)).as(bad)
          .hasMessageContaining("64 lowercase hex");
      Path index = layout(a -> a.editIndex(i ->
          ((ObjectNode) i.path("manifests").get(0)).put("digest", bad)));
      assertThat(root.rejectedLoad(index, ImageFormatException.class)).as(bad)
          .hasMessageContaining("64 lowercase hex");
    }
  }

  @Test
  void load_ambiguousOrMislabelledManifests_areRejected() throws Exception {
    Path both = layout(a -> a.editManifest(m -> m.putArray("manifests")));
    assertThat(root.rejectedLoad(both, ImageFormatException.class))
        .hasMessageContaining("ambiguous");
    Path indexWithLayers = layout(a -> a.editIndex(i -> i.putArray("layers")));
    assertThat(root.rejectedLoad(indexWithLayers, ImageFormatException.class))
        .hasMessageContaining("ambiguous");
    Path declaredOther = layout(a -> a.editManifest(m ->
        m.put("mediaType", "application/vnd.docker.distribution.manifest.v2+json")));
    assertThat(root.rejectedLoad(declaredOther, ImageFormatException.class))
        .hasMessageContaining("but the index says");
    Path gzipClaim = layout(a -> a.editManifest(m ->
        ((ObjectNode) m.path("layers").get(0)).put("mediaType", ImageArchive.TAR_GZIP)));
    assertThat(root.rejectedLoad(gzipClaim, ImageFormatException.class))
        .hasMessageContaining("media type says gzip but the data is none");
    Path zstdClaim = ImageArchive.of("localhost/meta:1", Layer.gzip(LAYER))
        .editManifest(m -> ((ObjectNode) m.path("layers").get(0))
            .put("mediaType", "application/vnd.oci.image.layer.v1.tar+zstd"))
        .writeLayout(file("layout"));
    assertThat(root.rejectedLoad(zstdClaim, ImageFormatException.class))
        .hasMessageContaining("media type says zstd but the data is gzip");
    Path indexAsManifest = layout(a -> a.editIndex(i -> ((ObjectNode) i.path("manifests")
        .get(0)).put("mediaType", "application/vnd.oci.image.index.v1+json")));
    assertThat(root.rejectedLoad(indexAsManifest, ImageFormatException.class))
        .hasMessageContaining("ambiguous");
  }

  @Test
  void load_foreignLayerUrls_areNeverFetched() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      requests.incrementAndGet();
      byte[] body = LAYER;
      x.sendResponseHeaders(200, body.length);
      x.getResponseBody().write(body);
      x.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/layer";
      ImageArchive a = ImageArchive.ofTars("localhost/meta:1", LAYER);
      a.editManifest(m -> {
        ObjectNode l = (ObjectNode) m.path("layers").get(0);
        l.put("mediaType", "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
        l.putArray("urls").add(url);
      });
      Map<String, Member> members = a.ociMembers();
      members.remove("blobs/sha256/" + a.layerDigest(0).substring(7));
      ImageFormatException e = root.rejectedLoad(
          ImageArchive.writeDirectory(members, file("layout")), ImageFormatException.class);
      assertThat(e).hasMessageContaining("foreign layer").hasMessageContaining(url)
          .hasMessageContaining("never fetches");
      Path config = layout(x -> x.editManifest(m ->
          ((ObjectNode) m.path("config")).putArray("urls").add(url)));
      assertThat(root.rejectedLoad(config, ImageFormatException.class))
          .hasMessageContaining("never fetches");
      assertThat(requests).as("requests to the foreign-layer URL").hasValue(0);
    } finally {
      server.stop(0);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void uncheck(Step s) {
    try {
      s.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

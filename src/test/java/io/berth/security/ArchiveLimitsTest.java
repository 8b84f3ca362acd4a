package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.luben.zstd.ZstdOutputStream;
import io.berth.security.ImageArchive.Member;
import io.berth.storage.ArchiveLimitExceededException;
import io.berth.storage.ArchiveLimits;
import io.berth.storage.ImageFormatException;
import io.berth.storage.ImageOptions;
import io.berth.storage.Store;
import io.berth.storage.UnsafeArchiveEntryException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bombs and oversized input: each cap of {@link ArchiveLimits} stops a hostile archive early
 * with {@link ArchiveLimitExceededException} naming the cap, reading only a bounded amount,
 * and each can be raised for an archive that is genuinely that big. The defaults are checked
 * through the public {@code Runtime} API; small and raised caps through a {@link Store},
 * as {@code Runtime.Builder} cannot pass limits yet.
 */
class ArchiveLimitsTest extends HostileInputTest {
  private static int stores;

  /** Runs {@code test} on a fresh store with {@code limits}, then checks it kept nothing. */
  private static void withStore(ArchiveLimits limits, StoreTest test) throws Exception {
    Path d = dir.resolve("store-" + (++stores));
    try (Store store = Store.builder().root(d.resolve("root")).runRoot(d.resolve("run"))
        .driver("overlay").limits(limits).build()) {
      test.run(store, d);
      try (Stream<Path> tmp = Files.list(d.resolve("root/tmp"))) {
        assertThat(tmp).as("temp files left").isEmpty();
      }
      assertThat(store.images().stream().flatMap(i -> i.layerIds().stream()).distinct()
          .count()).isEqualTo(store.layers().size());
    }
  }

  private interface StoreTest {
    void run(Store store, Path dir) throws Exception;
  }

  /** Counts the bytes read through it. */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count += b < 0 ? 0 : 1;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count += Math.max(n, 0);
      return n;
    }
  }

  /**
   * A layer tar with {@code zeros} bytes of zeros in one file, then 8 MiB of random bytes,
   * compressed by {@code compressor}: a bomb whose compressed form is mostly the random tail,
   * so reading it all would show.
   */
  private static byte[] bomb(long zeros, Function<OutputStream, OutputStream> compressor)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream c = compressor.apply(bytes);
        TarArchiveOutputStream t = new TarArchiveOutputStream(c)) {
      t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      TarArchiveEntry e = new TarArchiveEntry("zeros");
      e.setSize(zeros);
      t.putArchiveEntry(e);
      byte[] block = new byte[1 << 20];
      for (long n = 0; n < zeros; n += block.length) {
        t.write(block, 0, (int) Math.min(block.length, zeros - n));
      }
      t.closeArchiveEntry();
      byte[] noise = new byte[8 << 20];
      new Random(1).nextBytes(noise);
      TarArchiveEntry tail = new TarArchiveEntry("tail");
      tail.setSize(noise.length);
      t.putArchiveEntry(tail);
      t.write(noise);
      t.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private static OutputStream gzip(OutputStream out) {
    try {
      return new GZIPOutputStream(out, 1 << 16);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static OutputStream zstd(OutputStream out) {
    try {
      return new ZstdOutputStream(out, 3);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] gzipBomb;

  /** 256 MiB of zeros then 8 MiB of noise, gzipped; made once for the tests that use it. */
  private static synchronized byte[] gzipBomb() throws IOException {
    if (gzipBomb == null) {
      gzipBomb = bomb(256L << 20, ArchiveLimitsTest::gzip);
    }
    return gzipBomb;
  }

  @Test
  void importRootfs_gzipAndZstdBombs_failFastAtMaxLayerSize() throws Exception {
    for (byte[] bomb : List.of(gzipBomb(), bomb(256L << 20, ArchiveLimitsTest::zstd))) {
      withStore(ArchiveLimits.builder().maxLayerSize(16 << 20).build(), (store, d) -> {
        Counting in = new Counting(new java.io.ByteArrayInputStream(bomb));
        assertThatThrownBy(() -> store.importRootfs(in, ImageOptions.defaults()))
            .isInstanceOf(ArchiveLimitExceededException.class)
            .hasMessageContaining("ArchiveLimits.maxLayerSize");
        assertThat(in.count).as("compressed bytes read before failing, of %d", bomb.length)
            .isLessThan(bomb.length / 4);
        assertThat(store.layers()).isEmpty();
      });
    }
  }

  @Test
  void load_compressedArchiveBomb_failsAtMaxArchiveSizeAndKeepsNoTempFile() throws Exception {
    Path archive = dir.resolve("bomb-archive.tar.gz");
    Files.write(archive, gzipBomb());
    withStore(ArchiveLimits.builder().maxArchiveSize(32 << 20).build(), (store, d) ->
        assertThatThrownBy(() -> store.load(archive))
            .isInstanceOf(ArchiveLimitExceededException.class)
            .hasMessageContaining("ArchiveLimits.maxArchiveSize"));
  }

  /**
   * A zstd frame whose header asks for a window of 2^{@code windowLog} bytes, holding
   * {@code content} in raw blocks.
   */
  private static byte[] zstdFrame(int windowLog, byte[] content) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00,
        (byte) ((windowLog - 10) << 3)});
    for (int off = 0; off < content.length || off == 0; off += 1 << 16) {
      int len = Math.min(1 << 16, content.length - off);
      int last = off + len >= content.length ? 1 : 0;
      int header = (len << 3) | last;
      f.writeBytes(new byte[] {(byte) header, (byte) (header >> 8), (byte) (header >> 16)});
      f.write(content, off, len);
    }
    return f.toByteArray();
  }

  @Test
  void importRootfs_zstdWindowFarLargerThanSensible_isRefusedUnlessRaised() throws Exception {
    byte[] tar = Tar.busybox().file("opt/windowed", "windowed").bytes();
    for (int windowLog : List.of(28, 31)) {
      ArchiveLimitExceededException e = root.rejectedImport(zstdFrame(windowLog, tar),
          ArchiveLimitExceededException.class);
      assertThat(e).hasMessageContaining("zstd frame asks for a window")
          .hasMessageContaining("larger than " + (1L << 27) + " bytes")
          .hasMessageContaining("ArchiveLimits.maxZstdWindowSize");
    }
    withStore(ArchiveLimits.builder().maxZstdWindowSize(1 << 28).build(), (store, d) ->
        assertThat(store.importRootfs(new java.io.ByteArrayInputStream(zstdFrame(28, tar)),
            ImageOptions.defaults()).layerIds()).hasSize(1));
  }

  @Test
  void importRootfs_millionEmptyGzipMembersBeforeTheLayer_importsWithBoundedStack()
      throws Exception {
    ByteArrayOutputStream empty = new ByteArrayOutputStream();
    new GZIPOutputStream(empty).close();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int i = 0; i < 1_000_000; i++) {
      all.writeBytes(empty.toByteArray());
    }
    try (OutputStream g = new GZIPOutputStream(all)) {
      g.write(Tar.busybox().file("opt/after", "after a million members\n").bytes());
    }
    root.importTar(all.toByteArray(), "localhost/members:1");
    assertThat(root.run("localhost/members:1", "cat", "/opt/after").output())
        .isEqualTo("after a million members\n");
  }

  @Test
  void importRootfs_absurdSizeFields_failBeforeReadingTheData() throws Exception {
    byte[] huge = new RawTar().header("opt/huge", '0', RawTar.base256(1L << 62), "")
        .data(new byte[10]).end();
    assertThat(root.rejectedImport(huge, ArchiveLimitExceededException.class))
        .hasMessageContaining("'opt/huge'").hasMessageContaining(String.valueOf(1L << 62))
        .hasMessageContaining("ArchiveLimits.maxLayerSize");
    byte[] negative = new byte[12];
    Arrays.fill(negative, (byte) 0xff);
    assertThat(root.rejectedImport(new RawTar().header("opt/neg", '0', negative, "").end(),
        ImageFormatException.class)).hasMessageContaining("negative");
    byte[] past = new RawTar().header("opt/past", '0', 077777777777L).data(new byte[10]).end();
    assertThat(root.rejectedImport(past, ImageFormatException.class))
        .hasMessageContaining("truncated");
    byte[] garbage = "12345678z12\0".getBytes(StandardCharsets.US_ASCII);
    assertThat(root.rejectedImport(new RawTar().header("opt/x", '0', garbage, "").end(),
        ImageFormatException.class)).hasMessageContaining("not an octal number");
  }

  @Test
  void importRootfs_hugePaxRecords_areRefusedAtTheirCap() throws Exception {
    byte[] big = RawTar.paxRecord("comment", "c".repeat(2 << 20))
        .getBytes(StandardCharsets.UTF_8);
    assertThat(root.rejectedImport(new RawTar().pax(big).header("f", '0', 0).end(),
        ArchiveLimitExceededException.class))
        .hasMessageContaining("PAX header of " + big.length + " bytes")
        .hasMessageContaining("ArchiveLimits.maxPaxHeaderSize");

    byte[] lying = "99999999999 path=x\n".getBytes(StandardCharsets.UTF_8);
    assertThat(root.rejectedImport(new RawTar().pax(lying).header("f", '0', 0).end(),
        ImageFormatException.class)).hasMessageContaining("bad record length");

    RawTar globals = new RawTar();
    for (int i = 0; i < 3; i++) {
      byte[] g = RawTar.paxRecord("BERTH.junk" + i, "g".repeat(600 << 10))
          .getBytes(StandardCharsets.UTF_8);
      globals.header("pax_global_header", 'g', g.length).data(g);
    }
    assertThat(root.rejectedImport(globals.header("f", '0', 0).end(),
        ArchiveLimitExceededException.class))
        .hasMessageContaining("global PAX").hasMessageContaining("maxPaxHeaderSize");
  }

  @Test
  @Timeout(60)
  void importRootfs_paxTimeWithHugeExponent_isRejectedAtOnce() throws Exception {
    for (String mtime : List.of("1e999999999", "1E+9999", "-1e-99999999", "9".repeat(5000))) {
      byte[] tar = new RawTar().pax(RawTar.paxRecord("mtime", mtime)
          .getBytes(StandardCharsets.UTF_8)).header("f", '0', 0).end();
      assertThat(root.rejectedImport(tar, ImageFormatException.class)).as(mtime)
          .hasMessageContaining("mtime");
    }
  }

  @Test
  void importRootfs_longNames_areRefusedAtMaxPathLength() throws Exception {
    String name = "n".repeat(200) + "/" + "m".repeat(4900);
    byte[] gnu = Tar.busybox().gnuLongNames().file(name, "x").bytes();
    assertThat(root.rejectedImport(gnu, ArchiveLimitExceededException.class))
        .hasMessageContaining("GNU long name").hasMessageContaining("maxPathLength");
    byte[] pax = Tar.busybox().file(name, "x").bytes();
    assertThat(root.rejectedImport(pax, ArchiveLimitExceededException.class))
        .hasMessageContaining("longer than 4096 bytes").hasMessageContaining("maxPathLength");
    byte[] link = Tar.busybox().symlink("l", "t".repeat(5000)).bytes();
    assertThat(root.rejectedImport(link, ArchiveLimitExceededException.class))
        .hasMessageContaining("maxPathLength");
  }

  @Test
  void importRootfs_pathsPastTheHostsLimits_areRefusedClearly() throws Exception {
    String component = "c".repeat(200);
    String deep = String.join("/", java.util.Collections.nCopies(20, component)) + "/f";
    assertThat(root.rejectedImport(Tar.busybox().file(deep, "deep").bytes(),
        ImageFormatException.class)).hasMessageContaining("PATH_MAX");
    assertThat(root.rejectedImport(Tar.busybox().file("opt/" + "n".repeat(300), "x").bytes(),
        ImageFormatException.class)).hasMessageContaining("255 bytes");
    String half = String.join("/", java.util.Collections.nCopies(12, component));
    byte[] viaLink = Tar.busybox().dir(half, 0755).symlink("l", "/" + half)
        .file("l/" + half + "/f", "x").bytes();
    assertThat(root.rejectedImport(viaLink, ImageFormatException.class))
        .hasMessageContaining("PATH_MAX");
  }

  @Test
  void importRootfs_symlinkLoopsAndLongChains_areRefused() throws Exception {
    Tar chain = Tar.busybox();
    for (int i = 0; i < 41; i++) {
      chain.symlink("link" + i, "link" + (i + 1));
    }
    chain.dir("link41", 0755);
    for (byte[] tar : List.of(
        Tar.busybox().symlink("self", "self").file("self/x", "x").bytes(),
        Tar.busybox().symlink("a", "b").symlink("b", "/a").file("a/x", "x").bytes(),
        Tar.busybox().symlink("up", "../up").file("up/x", "x").bytes(),
        chain.file("link0/x", "x").bytes())) {
      assertThat(root.rejectedImport(tar, UnsafeArchiveEntryException.class))
          .hasMessageContaining("too many levels of symbolic links");
    }
    Tar ok = Tar.busybox();
    for (int i = 0; i < 39; i++) {
      ok.symlink("link" + i, "link" + (i + 1));
    }
    root.importTar(ok.dir("link39", 0755).file("link0/x", "end of chain").bytes(),
        "localhost/chain:1");
    assertThat(root.inside("localhost/chain:1", "link39/x"))
        .containsEntry("link39/x", "file 0644 0:0 end of chain");
  }

  private static Path configLayout(String name, java.util.function.Consumer<ObjectNode> edit)
      throws Exception {
    return ImageArchive.ofTars("localhost/json:1", Tar.empty().file("f", "f").bytes())
        .editConfig(edit).writeLayout(dir.resolve(name));
  }

  @Test
  void load_deeplyNestedJson_isRefusedUnlessRaised() throws Exception {
    Path deep = configLayout("deep", c -> {
      ArrayNode a = c.putArray("nested");
      for (int i = 0; i < 100; i++) {
        a = a.addArray();
      }
    });
    assertThat(root.rejectedLoad(deep, ImageFormatException.class))
        .hasMessageContaining("nests arrays and objects deeper than 64 levels")
        .hasMessageContaining("ArchiveLimits.maxJsonDepth");
    withStore(ArchiveLimits.builder().maxJsonDepth(200).build(), (store, d) ->
        assertThat(store.load(deep)).hasSize(1));
  }

  @Test
  void load_multiMegabyteConfigOrManifest_isRefusedUnlessRaised() throws Exception {
    Path config = configLayout("big-config", c -> ((ObjectNode) c.path("config"))
        .putObject("Labels").put("big", "x".repeat(9 << 20)));
    assertThat(root.rejectedLoad(config, ArchiveLimitExceededException.class))
        .hasMessageContaining("ArchiveLimits.maxMetadataSize");
    Map<String, Member> members = ImageArchive.ofTars("localhost/json:1",
        Tar.empty().file("f", "f").bytes()).dockerMembers();
    ArrayNode manifest = (ArrayNode) ImageArchive.JSON.readTree(members.get("manifest.json")
        .data());
    ((ObjectNode) manifest.get(0)).put("Padding", " ".repeat(9 << 20));
    members.put("manifest.json", Member.file(ImageArchive.json(manifest)));
    Path docker = ImageArchive.writeTar(members, dir.resolve("big-manifest.tar"));
    assertThat(root.rejectedLoad(docker, ArchiveLimitExceededException.class))
        .hasMessageContaining("manifest.json").hasMessageContaining("maxMetadataSize");
    withStore(ArchiveLimits.builder().maxMetadataSize(16 << 20).build(), (store, d) -> {
      assertThat(store.load(config)).hasSize(1);
      assertThat(store.load(docker)).hasSize(1);
    });
  }

  @Test
  void importAndLoad_tooManyEntriesOrMembers_areRefusedUnlessRaised() throws Exception {
    Tar many = Tar.empty();
    for (int i = 0; i < 60; i++) {
      many.file("f" + i, "x");
    }
    byte[] tar = many.bytes();
    Map<String, Member> members = ImageArchive.ofTars("localhost/members:1", tar)
        .ociMembers();
    for (int i = 0; i < 20; i++) {
      members.put("junk/" + i, Member.file(new byte[0]));
    }
    Path archive = ImageArchive.writeTar(members, dir.resolve("many-members.tar"));
    withStore(ArchiveLimits.builder().maxEntries(50).maxArchiveMembers(20).build(),
        (store, d) -> {
          assertThatThrownBy(() -> store.importRootfs(new java.io.ByteArrayInputStream(tar),
              ImageOptions.defaults())).isInstanceOf(ArchiveLimitExceededException.class)
              .hasMessageContaining("ArchiveLimits.maxEntries");
          assertThatThrownBy(() -> store.load(archive))
              .isInstanceOf(ArchiveLimitExceededException.class)
              .hasMessageContaining("ArchiveLimits.maxArchiveMembers");
        });
    withStore(ArchiveLimits.builder().maxEntries(60).maxArchiveMembers(30).build(),
        (store, d) -> assertThat(store.load(archive).get(0).layerIds()).hasSize(1));
  }

  @Test
  void archiveLimits_everyCapHasADocumentedDefaultAndCanBeRaised() {
    ArchiveLimits d = ArchiveLimits.defaults();
    assertThat(List.of(d.maxLayerSize(), d.maxArchiveSize(), (long) d.maxEntries(),
        (long) d.maxArchiveMembers(), (long) d.maxPathLength(), (long) d.maxPaxHeaderSize(),
        (long) d.maxMetadataSize(), (long) d.maxJsonDepth(), d.maxZstdWindowSize()))
        .containsExactly(64L << 30, 256L << 30, 2_000_000L, 100_000L, 4096L, 1L << 20,
            8L << 20, 64L, 128L << 20);
    ArchiveLimits raised = ArchiveLimits.builder().maxLayerSize(1L << 40)
        .maxArchiveSize(1L << 41).maxEntries(10_000_000).maxArchiveMembers(1_000_000)
        .maxPathLength(8192).maxPaxHeaderSize(16 << 20).maxMetadataSize(64 << 20)
        .maxJsonDepth(1000).maxZstdWindowSize(1L << 31).build();
    assertThat(raised.maxZstdWindowSize()).isEqualTo(1L << 31);
    assertThat(raised.toString()).contains("maxArchiveMembers=1000000", "maxJsonDepth=1000");
    assertThatThrownBy(() -> ArchiveLimits.builder().maxZstdWindowSize(3 << 20))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    assertThatThrownBy(() -> ArchiveLimits.builder().maxZstdWindowSize(1L << 32))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2147483648");
    assertThatThrownBy(() -> ArchiveLimits.builder().maxJsonDepth(0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.security.ImageArchive.Layer;
import io.berth.storage.ImageFormatException;
import io.berth.storage.UnsafeArchiveEntryException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entry names and links that try to leave the rootfs, through the public API: rejected when
 * the name itself has {@code ..}, contained (resolved as if chrooted into the layer) when it
 * is absolute or goes through a symlink. See the package documentation for the rules.
 */
class EntryEscapeTest extends HostileInputTest {

  /** "../" enough times to reach / from any layer directory, then the canary. */
  private static String climb(String rest) {
    return "../".repeat(40) + canary.relative() + "/" + rest;
  }

  @Test
  void importRootfs_dotDotName_isRejected() throws Exception {
    String name = climb("secret");
    UnsafeArchiveEntryException e = root.rejectedImport(
        Tar.busybox().file(name, "pwned").bytes(), UnsafeArchiveEntryException.class);
    assertThat(e.entryName()).isEqualTo(name);
    assertThat(e).hasMessageContaining("'..' component").hasMessageContaining("not imported");
  }

  @Test
  void importRootfs_dotDotHiddenInPaxPath_isRejected() throws Exception {
    byte[] tar = Tar.busybox().file("harmless", "pwned".getBytes(StandardCharsets.UTF_8),
        0644, Map.of("path", climb("secret"))).bytes();
    UnsafeArchiveEntryException e = root.rejectedImport(tar,
        UnsafeArchiveEntryException.class);
    assertThat(e.entryName()).as("the PAX path, not the header name").endsWith("/secret");
    assertThat(e).hasMessageContaining("'..' component");
  }

  @Test
  void importRootfs_dotDotHiddenInGnuLongName_isRejected() throws Exception {
    String name = "a/".repeat(60) + climb("secret");
    byte[] tar = Tar.busybox().gnuLongNames().file(name, "pwned").bytes();
    UnsafeArchiveEntryException e = root.rejectedImport(tar,
        UnsafeArchiveEntryException.class);
    assertThat(e.entryName()).isEqualTo(name);
  }

  @Test
  void importRootfs_hardLinkWithDotDotInPaxLinkpathOrGnuLongLink_isRejected()
      throws Exception {
    byte[] pax = Tar.busybox().entry("link", TarConstants.LF_LINK, null, e -> {
      e.setLinkName("etc/passwd");
      e.addPaxHeader("linkpath", climb("secret"));
    }).bytes();
    assertThat(root.rejectedImport(pax, UnsafeArchiveEntryException.class))
        .hasMessageContaining("'..' component");
    byte[] gnu = Tar.busybox().gnuLongNames().hardlink("link", "x/".repeat(60)
        + climb("secret")).bytes();
    assertThat(root.rejectedImport(gnu, UnsafeArchiveEntryException.class))
        .hasMessageContaining("'..' component");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_absoluteNames_landInsideTheRootfs(String driver) throws Exception {
    String plain = "/" + canary.relative() + "/secret";
    byte[] tar = Tar.busybox().file(plain, "contained")
        .file("x", "pax".getBytes(StandardCharsets.UTF_8), 0644,
            Map.of("path", "/" + canary.relative() + "/pax"))
        .bytes();
    root(driver).importTar(tar, "localhost/absolute:1");
    assertThat(root(driver).inside("localhost/absolute:1", canary.relative() + "/secret",
        canary.relative() + "/pax", "x")).containsExactly(
            Map.entry(canary.relative() + "/secret", "file 0644 0:0 contained"),
            Map.entry(canary.relative() + "/pax", "file 0644 0:0 pax"),
            Map.entry("x", "missing"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_entriesThroughAbsoluteAndClimbingSymlinks_areContained(String driver)
      throws Exception {
    byte[] tar = Tar.busybox()
        .symlink("abs", canary.dir().toString())
        .file("abs/secret", "through absolute")
        .dir("a", 0755)
        .symlink("a/up", "../../../../../../../..")
        .file("a/up/" + canary.relative() + "/climbed", "through relative")
        .entry("paxlink", TarConstants.LF_SYMLINK, null, e -> {
          e.setLinkName("harmless");
          e.addPaxHeader("linkpath", "../".repeat(30) + canary.relative());
        })
        .file("paxlink/viapax", "through a PAX linkpath")
        .bytes();
    root(driver).importTar(tar, "localhost/symlinks:1");
    String c = canary.relative();
    assertThat(root(driver).inside("localhost/symlinks:1", "abs", c + "/secret",
        c + "/climbed", c + "/viapax")).containsExactly(
            Map.entry("abs", "symlink -> " + canary.dir()),
            Map.entry(c + "/secret", "file 0644 0:0 through absolute"),
            Map.entry(c + "/climbed", "file 0644 0:0 through relative"),
            Map.entry(c + "/viapax", "file 0644 0:0 through a PAX linkpath"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_directoryReplacedBySymlinkThenWrittenThrough_isContained(String driver)
      throws Exception {
    byte[] tar = Tar.busybox().dir("d", 0755).file("d/x", "x")
        .symlink("d", canary.dir().toString()).file("d/secret", "contained").bytes();
    root(driver).importTar(tar, "localhost/replaced:1");
    assertThat(root(driver).inside("localhost/replaced:1", "d", "d/x",
        canary.relative() + "/secret")).containsExactly(
            Map.entry("d", "symlink -> " + canary.dir()),
            Map.entry("d/x", "behind symlink d"),
            Map.entry(canary.relative() + "/secret", "file 0644 0:0 contained"));
  }

  /**
   * A lower layer's symlink under a later layer's entries: overlay unpacks each layer into its
   * own directory, so the upper layer's real directory shadows the link; vfs unpacks onto a
   * copy of the lower layers and follows the link inside the rootfs. Neither leaves it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_symlinkInLowerLayerFollowedByUpperLayer_isContained(String driver)
      throws Exception {
    byte[] lower = Tar.empty().symlink("evil", canary.dir().toString())
        .dir("d", 0755).file("d/keep", "keep").bytes();
    byte[] upper = Tar.empty().file("evil/secret", "upper layer")
        .symlink("d", "/" + canary.relative() + "/sub").file("d/nested", "replaced").bytes();
    Path layout = ImageArchive.of("localhost/layers:1",
        Layer.plain(Tar.busybox().bytes()), Layer.plain(lower), Layer.plain(upper))
        .writeLayout(dir.resolve("layers-" + driver));
    root(driver).runtime.images().load(layout);
    String c = canary.relative();
    Map<String, String> seen = root(driver).inside("localhost/layers:1", "evil/secret",
        c + "/secret", c + "/sub/nested", "d");
    if (driver.equals("overlay")) {
      assertThat(seen).containsExactly(
          Map.entry("evil/secret", "file 0644 0:0 upper layer"),
          Map.entry(c + "/secret", "missing"),
          Map.entry(c + "/sub/nested", "file 0644 0:0 replaced"),
          Map.entry("d", "symlink -> /" + c + "/sub"));
    } else {
      assertThat(seen).containsExactly(
          Map.entry("evil/secret", "behind symlink evil"),
          Map.entry(c + "/secret", "file 0644 0:0 upper layer"),
          Map.entry(c + "/sub/nested", "file 0644 0:0 replaced"),
          Map.entry("d", "symlink -> /" + c + "/sub"));
    }
  }

  @Test
  void importRootfs_symlinkOrFileNamedDot_isRejected() throws Exception {
    for (byte[] tar : List.of(
        Tar.busybox().symlink(".", canary.dir().toString()).bytes(),
        Tar.busybox().symlink("./", canary.dir().toString()).bytes(),
        Tar.busybox().file(".", "dot").bytes(),
        Tar.busybox().file("/./.", "dot").bytes())) {
      assertThat(root.rejectedImport(tar, UnsafeArchiveEntryException.class))
          .hasMessageContaining("names the root directory but is not a directory");
    }
  }

  @Test
  void importRootfs_hardLinksToOutsideFiles_areRejected() throws Exception {
    String absolute = canary.secret().toString();
    ImageFormatException direct = root.rejectedImport(
        Tar.busybox().hardlink("h", absolute).bytes(), ImageFormatException.class);
    assertThat(direct).hasMessageContaining("hard link to '" + absolute + "'")
        .hasMessageContaining("does not contain");
    UnsafeArchiveEntryException dotDot = root.rejectedImport(
        Tar.busybox().hardlink("h", climb("secret")).bytes(),
        UnsafeArchiveEntryException.class);
    assertThat(dotDot).hasMessageContaining("'..' component");
    ImageFormatException viaSymlink = root.rejectedImport(
        Tar.busybox().symlink("evil", "/").hardlink("h", "evil/" + canary.relative()
            + "/secret").bytes(), ImageFormatException.class);
    assertThat(viaSymlink).hasMessageContaining("does not contain");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_hardLinkToSymlinkPointingOutside_linksTheSymlinkItself(String driver)
      throws Exception {
    byte[] tar = Tar.busybox().symlink("s", canary.secret().toString()).hardlink("h", "s")
        .symlink("evil", "/etc").hardlink("p", "evil/passwd").bytes();
    root(driver).importTar(tar, "localhost/hardlinks:1");
    Map<String, String> seen = root(driver).inside("localhost/hardlinks:1", "h", "p");
    assertThat(seen.get("h")).isEqualTo("symlink -> " + canary.secret());
    assertThat(seen.get("p")).startsWith("file 0644 0:0 root:x:0:0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_modeAndOwnerOnAPathThatIsASymlink_replaceTheSymlinkNotItsTarget(
      String driver) throws Exception {
    byte[] tar = Tar.busybox()
        .symlink("filelink", canary.secret().toString())
        .entry("filelink", TarConstants.LF_NORMAL, "mine".getBytes(StandardCharsets.UTF_8),
            e -> {
              e.setMode(06777);
              e.setIds(1234, 1234);
            })
        .symlink("dirlink", canary.dir().toString())
        .entry("dirlink/", TarConstants.LF_DIR, null, e -> {
          e.setMode(0777);
          e.setIds(1234, 1234);
        })
        .bytes();
    root(driver).importTar(tar, "localhost/modes:1");
    assertThat(root(driver).inside("localhost/modes:1", "filelink", "dirlink"))
        .containsExactly(Map.entry("filelink", "file 6777 1234:1234 mine"),
            Map.entry("dirlink", "dir 0777 1234:1234"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_modeChangeInUpperLayerOnLowerSymlink_neverReachesTheTarget(String driver)
      throws Exception {
    byte[] lower = Tar.empty().symlink("link", canary.dir().toString())
        .symlink("flink", canary.secret().toString()).bytes();
    byte[] upper = Tar.empty().entry("link/", TarConstants.LF_DIR, null, e -> {
      e.setMode(0777);
      e.setIds(4321, 4321);
    }).entry("flink", TarConstants.LF_NORMAL, new byte[0], e -> e.setMode(04777)).bytes();
    Path layout = ImageArchive.of("localhost/upper-modes:1",
        Layer.plain(Tar.busybox().bytes()), Layer.plain(lower), Layer.plain(upper))
        .writeLayout(dir.resolve("upper-modes-" + driver));
    root(driver).runtime.images().load(layout);
    assertThat(root(driver).inside("localhost/upper-modes:1", "link", "flink"))
        .containsExactly(Map.entry("link", "dir 0777 4321:4321"),
            Map.entry("flink", "file 4777 0:0 "));
  }
}

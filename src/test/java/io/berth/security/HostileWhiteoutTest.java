package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.security.ImageArchive.Layer;
import io.berth.storage.UnsafeArchiveEntryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whiteouts that try to delete outside the rootfs, or mean nothing: rejected when they pass
 * through a symlink or name {@code .}, {@code ..} or nothing; a whiteout and a re-creation of
 * the same path in one layer give the same rootfs whatever their order, on both drivers.
 */
class HostileWhiteoutTest extends HostileInputTest {

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_whiteoutThroughSymlink_isRejected(String driver) throws Exception {
    for (byte[] tar : List.of(
        Tar.busybox().symlink("evil", canary.dir().toString()).file("evil/.wh.secret", "")
            .bytes(),
        Tar.busybox().symlink("evil", "../".repeat(30) + canary.relative())
            .file("evil/.wh.secret", "").bytes(),
        Tar.busybox().symlink("evil", canary.dir().toString())
            .file("evil/sub/.wh.nested", "").bytes(),
        Tar.busybox().symlink("evil", canary.dir().toString()).file("evil/.wh..wh..opq", "")
            .bytes())) {
      UnsafeArchiveEntryException e = root(driver).rejectedImport(tar,
          UnsafeArchiveEntryException.class);
      assertThat(e.entryName()).startsWith("evil/");
      assertThat(e).hasMessageContaining("goes through the symlink 'evil'")
          .hasMessageContaining("whiteout must not follow");
    }
  }

  /**
   * On vfs the lower layer's symlink is there when the upper layer is unpacked, and the
   * whiteout is refused; on overlay each layer is unpacked into its own directory, so the
   * whiteout lands in a new directory of the upper layer, which shadows the symlink.
   */
  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_whiteoutThroughLowerLayerSymlink_isRejectedOrShadowed(String driver)
      throws Exception {
    byte[] lower = Tar.empty().symlink("evil", canary.dir().toString()).bytes();
    byte[] upper = Tar.empty().file("evil/.wh.secret", "").bytes();
    Path layout = ImageArchive.of("localhost/wh-lower:1", Layer.plain(Tar.busybox().bytes()),
        Layer.plain(lower), Layer.plain(upper)).writeLayout(dir.resolve("wh-lower-" + driver));
    if (driver.equals("vfs")) {
      assertThat(root("vfs").rejectedLoad(layout, UnsafeArchiveEntryException.class))
          .hasMessageContaining("goes through the symlink 'evil'");
      assertThat(root("vfs").runtime.images().find("localhost/wh-lower:1")).isEmpty();
    } else {
      root.runtime.images().load(layout);
      assertThat(root.inside("localhost/wh-lower:1", "evil", "evil/secret"))
          .containsExactly(Map.entry("evil", "dir 0755 0:0"),
              Map.entry("evil/secret", "missing"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_whiteoutNamingNothingDotOrDotDot_isRejected(String driver)
      throws Exception {
    for (String name : List.of(".wh.", ".wh..", ".wh...", "etc/.wh.", "etc/.wh..",
        "etc/.wh...", "/.wh..")) {
      UnsafeArchiveEntryException e = root(driver).rejectedImport(
          Tar.busybox().file(name, "").bytes(), UnsafeArchiveEntryException.class);
      assertThat(e.entryName()).as(name).isEqualTo(name);
      assertThat(e).as(name).hasMessageContaining("whiteout that names no file");
    }
    assertThat(root(driver).rejectedImport(Tar.busybox().file("etc/../.wh.etc", "").bytes(),
        UnsafeArchiveEntryException.class)).hasMessageContaining("'..' component");
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_absoluteWhiteoutOfAHostPath_staysInsideTheRootfs(String driver)
      throws Exception {
    byte[] tar = Tar.busybox().file("/" + canary.relative() + "/.wh.secret", "")
        .file("/" + canary.relative() + "/.wh..wh..opq", "").bytes();
    root(driver).importTar(tar, "localhost/wh-absolute:1");
    assertThat(root(driver).inside("localhost/wh-absolute:1", canary.relative() + "/secret",
        "etc/passwd").get("etc/passwd")).startsWith("file 0644");
  }

  /**
   * Lower layer: x/old, f ("old"), y/oldchild (y private), z/old. Both orders must give
   * x/new, f "new", y/child (y a plain new directory), z/new.
   */
  private static final byte[] LOWER = Tar.empty().dir("x", 0755).file("x/old", "old")
      .file("f", "old").dir("y", 0700).file("y/oldchild", "old").dir("z", 0755)
      .file("z/old", "old").bytes();
  private static final byte[] WHITEOUT_FIRST = Tar.empty()
      .file(".wh.x", "").dir("x", 0750).file("x/new", "new")
      .file(".wh.f", "").file("f", "new")
      .file(".wh.y", "").file("y/child", "new")
      .file("z/.wh..wh..opq", "").file("z/new", "new")
      .bytes();
  private static final byte[] WHITEOUT_LAST = Tar.empty()
      .dir("x", 0750).file("x/new", "new").file(".wh.x", "")
      .file("f", "new").file(".wh.f", "")
      .file("y/child", "new").file(".wh.y", "")
      .file("z/new", "new").file("z/.wh..wh..opq", "")
      .bytes();

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void load_whiteoutAndRecreateInOneLayer_sameRootfsInEitherOrder(String driver)
      throws Exception {
    Map<String, String> expected = Map.of(
        "x", "dir 0750 0:0", "x/new", "file 0644 0:0 new",
        "f", "file 0644 0:0 new",
        "y", "dir 0755 0:0", "y/child", "file 0644 0:0 new",
        "z", "dir 0755 0:0", "z/new", "file 0644 0:0 new");
    int n = 0;
    for (byte[] upper : List.of(WHITEOUT_FIRST, WHITEOUT_LAST)) {
      String ref = "localhost/wh-order:" + (++n);
      Path layout = ImageArchive.of(ref, Layer.plain(Tar.busybox().bytes()),
          Layer.plain(LOWER), Layer.plain(upper))
          .writeLayout(dir.resolve("wh-order-" + driver + "-" + n));
      root(driver).runtime.images().load(layout);
      Map<String, String> seen = new java.util.TreeMap<>();
      for (String top : List.of("x", "f", "y", "z")) {
        seen.put(top, root(driver).inside(ref, top).get(top));
        root(driver).tree(ref, top).forEach((k, v) -> seen.put(top + "/" + k, v));
      }
      assertThat(seen).as("order %d on %s", n, driver).isEqualTo(expected);
    }
  }
}

package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.storage.internal.sys.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every entry type and attribute a layer can carry, written by GNU tar (an independent
 * implementation) in PAX and GNU formats, plain, gzip and zstd, imported on both drivers and
 * compared with the source tree: types, modes with setuid/setgid/sticky, numeric owners,
 * mtimes (symlinks too), link targets, devices, fifos, long and non-ASCII names, binary
 * xattrs like security.capability, and sparse files that stay sparse.
 */
class EntryTypesTest {
  private static final String LONG_DIR = "d".repeat(90) + "/" + "e".repeat(90) + "/" + "f".repeat(90);

  @TempDir Path dir;
  private Path src;
  private Store store;
  private byte[] capability;

  @BeforeEach
  void setUp() throws Exception {
    src = Files.createDirectory(dir.resolve("src"));
    Posix.chmod(src, 0755);
    Files.createDirectories(src.resolve("bin"));
    Path suid = Files.writeString(src.resolve("bin/suid"), "suid");
    Posix.chmod(suid, 04755);
    Path sgid = Files.writeString(src.resolve("bin/sgid"), "sgid");
    Posix.lchown(sgid, 1234, 5678);
    Posix.chmod(sgid, 02750);
    Path ping = Files.writeString(src.resolve("bin/ping"), "ping");
    // What setcap cap_setuid,cap_net_raw+ep writes: VFS_CAP_REVISION_2 | effective, then
    // permitted (bits 7 and 13), inheritable, and the high words, all little-endian.
    capability = new byte[] {0x01, 0x00, 0x00, 0x02, (byte) 0x80, 0x20, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    Posix.lsetxattr(ping, "security.capability", capability);
    Posix.lsetxattr(src.resolve("bin/suid"), "user.note", "a note".getBytes());
    Path tmp = Files.createDirectory(src.resolve("tmp"));
    Posix.chmod(tmp, 01777);
    Path shared = Files.createDirectory(src.resolve("shared"));
    Posix.lchown(shared, 0, 100);
    Posix.chmod(shared, 02775);
    Path priv = Files.createDirectory(src.resolve("private"));
    Posix.chmod(priv, 0700);
    Files.writeString(src.resolve("private/file"), "private");
    Files.createFile(src.resolve("private/empty"));
    Files.createSymbolicLink(src.resolve("bin/link"), Path.of("suid"));
    Posix.lutimes(src.resolve("bin/link"), 1_000_000_000L, 0);
    Files.createSymbolicLink(src.resolve("dangling"), Path.of("/nowhere/at/all"));
    Files.createLink(src.resolve("bin/hard"), src.resolve("bin/suid"));
    Files.createDirectory(src.resolve("dev"));
    Posix.mknod(src.resolve("dev/null"), Posix.S_IFCHR | 0666, 1, 3);
    Posix.mknod(src.resolve("dev/loop9"), Posix.S_IFBLK | 0660, 7, 9);
    Posix.mknod(src.resolve("dev/fifo"), Posix.S_IFIFO | 0620, 0, 0);
    Path longDir = Files.createDirectories(src.resolve(LONG_DIR));
    Files.writeString(longDir.resolve("g".repeat(120)), "long");
    Files.writeString(src.resolve("naïve-файл.txt"), "unicode");
    Path sparse = src.resolve("sparse");
    try (var raf = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
      raf.setLength(8 << 20);
      raf.seek(1 << 20);
      raf.write("hello".getBytes());
      raf.seek(5 << 20);
      raf.write("world".getBytes());
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    TestStores.shutdown(store);
    TestStores.assertNoMountsUnder(dir);
  }

  private Path gnuTar(String name, List<String> options) throws Exception {
    Path tar = dir.resolve(name);
    List<String> cmd = new java.util.ArrayList<>(List.of("tar", "--numeric-owner", "--sparse"));
    cmd.addAll(options);
    cmd.addAll(List.of("-C", src.toString(), "-cf", tar.toString(), "."));
    Tools.run(cmd);
    return tar;
  }

  private static long allocatedBlocks(Path p) throws Exception {
    return Long.parseLong(Tools.run(List.of("stat", "-c", "%b", p.toString())).trim());
  }

  @ParameterizedTest
  @ValueSource(strings = {"overlay", "vfs"})
  void importRootfs_gnuTarArchivesOfEveryKind_reproduceTheSourceTree(String driver)
      throws Exception {
    List<String> pax = List.of("--format=posix", "--xattrs", "--xattrs-include=*",
        "--pax-option=delete=atime,delete=ctime");
    Path pax10 = gnuTar("pax10.tar", concat(pax, "--sparse-version=1.0"));
    Path pax01 = gnuTar("pax01.tar", concat(pax, "--sparse-version=0.1"));
    Tools.run(List.of("gzip", "-k", pax01.toString()));
    Path pax00 = gnuTar("pax00.tar", concat(pax, "--sparse-version=0.0"));
    try (var out = new com.github.luben.zstd.ZstdOutputStream(
        Files.newOutputStream(Path.of(pax00 + ".zst")))) {
      Files.copy(pax00, out);
    }
    Path gnu = gnuTar("gnu.tar", List.of("--format=gnu"));
    TreeMap<String, String> expected = TreeSnapshot.of(src, true);

    store = TestStores.open(dir, driver);
    int n = 0;
    for (Path archive : List.of(pax10, Path.of(pax01 + ".gz"), Path.of(pax00 + ".zst"), gnu)) {
      Image image = store.importRootfs(archive, ImageOptions.defaults());
      String cid = TestStores.containerId(++n);
      store.createContainerLayer(cid, image.id());
      Path rootfs = store.mount(cid);
      assertThat(TreeSnapshot.of(rootfs, true)).as("tree from %s", archive).isEqualTo(expected);
      assertThat(Files.getAttribute(rootfs.resolve("bin/hard"), "unix:ino"))
          .as("hard link").isEqualTo(Files.getAttribute(rootfs.resolve("bin/suid"), "unix:ino"));
      assertThat(allocatedBlocks(rootfs.resolve("sparse"))).as("sparse file stays sparse")
          .isLessThan(256);
      if (archive != gnu) {
        assertThat(Posix.lgetxattr(rootfs.resolve("bin/ping"), "security.capability"))
            .as("binary security.capability from %s", archive).isEqualTo(capability);
        assertThat(Posix.lgetxattr(rootfs.resolve("bin/suid"), "user.note"))
            .isEqualTo("a note".getBytes());
      }
      store.unmount(cid, false);
    }
    boolean highByte = false;
    for (byte b : capability) {
      highByte |= (b & 0x80) != 0;
    }
    assertThat(highByte).as("the capability value has bytes >= 0x80, which UTF-8 decoding"
        + " would corrupt").isTrue();
  }

  private static List<String> concat(List<String> a, String b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.add(b);
    return out;
  }
}

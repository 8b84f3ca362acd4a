package io.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.storage.StorageDriver.WhiteoutFormat;
import io.berth.storage.internal.sys.Posix;
import io.berth.storage.internal.tar.TarReader;
import io.berth.storage.internal.tar.Unpacker;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The unpacker as a security boundary: for each hostile archive, nothing outside the target
 * changes (a canary tree is compared byte for byte and mode for mode, link counts included),
 * and the entry is either rejected or contained inside the target, as the Unpacker's
 * documented rule says.
 */
class UnpackSecurityTest {
  @TempDir Path dir;
  private Path target;
  private Path canary;
  private String canaryRel;
  private TreeMap<String, String> canaryBefore;

  @BeforeEach
  void setUp() throws Exception {
    target = Files.createDirectory(dir.resolve("target"));
    canary = Files.createDirectories(dir.resolve("canary"));
    Files.writeString(canary.resolve("secret"), "secret");
    Posix.chmod(canary.resolve("secret"), 0600);
    Files.createDirectory(canary.resolve("sub"));
    canaryRel = canary.toString().substring(1);
    canaryBefore = snapshot();
  }

  private TreeMap<String, String> snapshot() throws Exception {
    TreeMap<String, String> s = TreeSnapshot.of(canary, true);
    s.put("secret nlink", String.valueOf(
        Files.getAttribute(canary.resolve("secret"), "unix:nlink", LinkOption.NOFOLLOW_LINKS)));
    s.put("/ mode", String.valueOf(Files.getAttribute(canary, "unix:mode")));
    return s;
  }

  @AfterEach
  void canaryUnchanged() throws Exception {
    assertThat(snapshot()).as("the canary outside the target").isEqualTo(canaryBefore);
  }

  private void unpack(byte[] tar, WhiteoutFormat format) throws Exception {
    new Unpacker(target, format).unpack(new TarReader(new ByteArrayInputStream(tar),
        ArchiveLimits.defaults(), Long.MAX_VALUE));
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_dotDotName_isRejected(WhiteoutFormat format) {
    byte[] tar = new TarBuilder().file("../../../" + canaryRel + "/secret", "pwned").build();
    assertThatThrownBy(() -> unpack(tar, format))
        .isInstanceOf(UnsafeArchiveEntryException.class).hasMessageContaining("'..'");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_dotDotInGnuLongNameAndPaxPath_isRejected(WhiteoutFormat format) {
    String longName = "a/".repeat(60) + "../".repeat(80) + canaryRel + "/secret";
    byte[] tar = new TarBuilder().file(longName, "pwned").build();
    assertThatThrownBy(() -> unpack(tar, format))
        .isInstanceOf(UnsafeArchiveEntryException.class);
    byte[] pax = new TarBuilder().file("harmless", "pwned", 0644,
        Map.of("path", "../" + canaryRel + "/secret")).build();
    assertThatThrownBy(() -> unpack(pax, format))
        .isInstanceOf(UnsafeArchiveEntryException.class);
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_absoluteName_landsInsideTarget(WhiteoutFormat format) throws Exception {
    unpack(new TarBuilder().file("/" + canaryRel + "/secret", "contained").build(), format);
    assertThat(target.resolve(canaryRel).resolve("secret")).hasContent("contained");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_entryThroughAbsoluteSymlink_isContainedInTarget(WhiteoutFormat format)
      throws Exception {
    unpack(new TarBuilder().symlink("evil", canary.toString())
        .file("evil/secret", "contained").file("evil/new", "new").build(), format);
    assertThat(Files.readSymbolicLink(target.resolve("evil"))).isEqualTo(canary);
    assertThat(target.resolve(canaryRel).resolve("secret")).hasContent("contained");
    assertThat(target.resolve(canaryRel).resolve("new")).hasContent("new");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_entryThroughRelativeSymlinkClimbingOut_stopsAtTargetRoot(WhiteoutFormat format)
      throws Exception {
    unpack(new TarBuilder().dir("a", 0755).symlink("a/up", "../../../../../../..")
        .file("a/up/" + canaryRel + "/secret", "contained").build(), format);
    assertThat(target.resolve(canaryRel).resolve("secret")).hasContent("contained");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_directoryReplacedBySymlinkThenWrittenThrough_isContained(WhiteoutFormat format)
      throws Exception {
    unpack(new TarBuilder().dir("d", 0755).file("d/x", "x").symlink("d", canary.toString())
        .file("d/secret", "contained").build(), format);
    assertThat(target.resolve(canaryRel).resolve("secret")).hasContent("contained");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_symlinkLoop_isRejected(WhiteoutFormat format) {
    byte[] tar = new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/x", "x").build();
    assertThatThrownBy(() -> unpack(tar, format))
        .isInstanceOf(UnsafeArchiveEntryException.class).hasMessageContaining("symbolic links");
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_hardlinkToOutsideFile_isRejected(WhiteoutFormat format) {
    for (byte[] tar : new byte[][] {
        new TarBuilder().hardlink("link", canary + "/secret").build(),
        new TarBuilder().symlink("evil", "/").hardlink("link", "evil/" + canaryRel + "/secret")
            .build()}) {
      assertThatThrownBy(() -> unpack(tar, format)).isInstanceOf(ImageFormatException.class)
          .hasMessageContaining("hard link");
    }
    byte[] dotdot = new TarBuilder().hardlink("link", "../canary/secret").build();
    assertThatThrownBy(() -> unpack(dotdot, format))
        .isInstanceOf(UnsafeArchiveEntryException.class);
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_fileOverSymlinkToOutside_replacesTheSymlink(WhiteoutFormat format)
      throws Exception {
    unpack(new TarBuilder().symlink("link", canary + "/secret").file("link", "mine")
        .symlink("dirlink", canary.toString()).dir("dirlink", 0777).build(), format);
    assertThat(target.resolve("link")).isRegularFile().hasContent("mine");
    assertThat(target.resolve("dirlink")).isDirectory();
    assertThat(Files.isSymbolicLink(target.resolve("dirlink"))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_whiteoutThroughSymlink_isRejected(WhiteoutFormat format) {
    byte[] tar = new TarBuilder().symlink("evil", canary.toString()).file("evil/.wh.secret", "")
        .build();
    assertThatThrownBy(() -> unpack(tar, format))
        .isInstanceOf(UnsafeArchiveEntryException.class).hasMessageContaining("symlink");
    byte[] opaque = new TarBuilder().symlink("evil", canary.toString())
        .file("evil/.wh..wh..opq", "").build();
    assertThatThrownBy(() -> unpack(opaque, format))
        .isInstanceOf(UnsafeArchiveEntryException.class);
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_whiteoutNamingDotDotOrNothing_isRejected(WhiteoutFormat format) {
    for (String name : List.of(".wh..", ".wh...", ".wh.", "a/.wh..", "a/.wh...")) {
      byte[] tar = new TarBuilder().dir("a", 0755).file(name, "").build();
      assertThatThrownBy(() -> unpack(tar, format)).as(name)
          .isInstanceOf(UnsafeArchiveEntryException.class).hasMessageContaining("whiteout");
    }
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_overlayXattrsFromArchive_areNeverApplied(WhiteoutFormat format) throws Exception {
    unpack(new TarBuilder().dir("d", 0755).file("d/f", "f", 0644,
        Map.of("SCHILY.xattr.trusted.overlay.opaque", "y",
            "SCHILY.xattr.user.overlay.redirect", "/x",
            "SCHILY.xattr.user.kept", "v")).build(), format);
    assertThat(Posix.lgetxattr(target.resolve("d/f"), "trusted.overlay.opaque")).isNull();
    assertThat(Posix.lgetxattr(target.resolve("d/f"), "user.overlay.redirect")).isNull();
    assertThat(Posix.lgetxattr(target.resolve("d/f"), "user.kept")).isEqualTo(new byte[] {'v'});
  }

  @ParameterizedTest
  @EnumSource(WhiteoutFormat.class)
  void unpack_rootEntry_changesOnlyTheTargetRoot(WhiteoutFormat format) throws Exception {
    Posix.chmod(dir, 0751);
    unpack(new TarBuilder().dir("./", 0700).file("f", "f").build(), format);
    assertThat(Files.getAttribute(target, "unix:mode")).isEqualTo(040700);
    assertThat(Files.getAttribute(dir, "unix:mode")).isEqualTo(040751);
  }
}

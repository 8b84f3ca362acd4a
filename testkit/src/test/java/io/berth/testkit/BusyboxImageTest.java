package io.berth.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxImageTest {
  @TempDir Path tmp;

  @Test
  void writeRootfsTar_twice_givesIdenticalBytes() throws IOException {
    Path a = BusyboxImage.standard().writeRootfsTar(tmp.resolve("a.tar"));
    Path b = BusyboxImage.standard().writeRootfsTar(tmp.resolve("b.tar"));

    assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
  }

  @Test
  void writeRootfsTar_entries_areSortedNumericAndTimestamped() throws IOException {
    Path tar = BusyboxImage.standard().writeRootfsTar(tmp.resolve("image.tar"));

    List<TarArchiveEntry> entries = new ArrayList<>();
    try (InputStream in = Files.newInputStream(tar);
        TarArchiveInputStream tin = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e; (e = tin.getNextEntry()) != null; ) {
        entries.add(e);
      }
    }
    List<String> names = entries.stream().map(TarArchiveEntry::getName).toList();
    assertThat(names).isSorted().contains("bin/", "bin/busybox", "etc/passwd", "tmp/");
    TarArchiveEntry sh = entries.stream().filter(e -> e.getName().equals("bin/sh")).findFirst()
        .orElseThrow();
    assertThat(sh.isSymbolicLink()).isTrue();
    assertThat(sh.getLinkName()).isEqualTo("busybox");
    TarArchiveEntry home = entries.stream().filter(e -> e.getName().equals("home/berth/"))
        .findFirst().orElseThrow();
    assertThat(home.getLongUserId()).isEqualTo(1000);
    assertThat(home.getUserName()).isEmpty();
    assertThat(entries).allSatisfy(e ->
        assertThat(e.getModTime().toInstant()).isEqualTo(BusyboxImage.MTIME));
  }

  @Test
  void writeRootfs_tree_hasModesOwnersAndLinks() throws IOException {
    Path root = BusyboxImage.standard().writeRootfs(tmp.resolve("rootfs"));

    assertThat(Files.readSymbolicLink(root.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
    assertThat(mode(root.resolve("bin/busybox"))).isEqualTo(0755);
    assertThat(mode(root.resolve("tmp"))).isEqualTo(01777);
    assertThat(mode(root.resolve("root"))).isEqualTo(0700);
    assertThat(Files.getAttribute(root.resolve("home/berth"), "unix:uid")).isEqualTo(1000);
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("berth:x:1000:1000:");
    assertThat(Files.getLastModifiedTime(root.resolve("bin")).toInstant())
        .isEqualTo(BusyboxImage.MTIME);
  }

  @Test
  void writeRootfs_nonEmptyDirectory_isRefused() throws IOException {
    Files.writeString(tmp.resolve("existing"), "x");

    assertThatThrownBy(() -> BusyboxImage.standard().writeRootfs(tmp))
        .isInstanceOf(IOException.class).hasMessageContaining("non-empty");
  }

  @Test
  void withFile_nestedPath_addsParentsAndContent() throws IOException {
    BusyboxImage image = BusyboxImage.standard().withFile("opt/app/greeting", "hi\n", 0640);

    assertThat(image.paths()).contains("opt", "opt/app", "opt/app/greeting");
    Path root = image.writeRootfs(tmp.resolve("rootfs"));
    assertThat(Files.readString(root.resolve("opt/app/greeting"))).isEqualTo("hi\n");
    assertThat(mode(root.resolve("opt/app/greeting"))).isEqualTo(0640);
  }

  @Test
  void withFile_escapingPath_isRejected() {
    assertThatThrownBy(() -> BusyboxImage.standard().withFile("../etc/x", "", 0644))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../etc/x");
  }

  @Test
  void locateBusybox_onThisHost_findsAStaticBinary() throws IOException {
    Path busybox = BusyboxImage.locateBusybox();

    assertThat(Elf.isStaticExecutable(busybox)).isTrue();
  }

  private static int mode(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}

package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.berth.CommitOptions;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.ContainerException;
import io.berth.ExecConfig;
import io.berth.storage.Image;
import io.berth.storage.ImageFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/**
 * What leaves a container through commit and export: only real deletions become whiteouts
 * (a file the container names {@code .wh.*} is refused, never turned into a deletion);
 * symlinks, fifos and devices are written as header-only entries and never opened; and a
 * running container that swaps a directory for a symlink to a host path while it is read
 * never gets host content into the archive.
 */
class CommitExportTest extends HostileInputTest {

  /** A finished container of the base image after {@code script} ran in it. */
  private static Container ranScript(String script) {
    Container c = root.runtime.newContainer(ContainerConfig.builder().image(SecurityRoot.BASE)
        .command("sh", "-c", script).build());
    c.start();
    assertThat(c.waitForExit(Duration.ofSeconds(60))).hasValue(0);
    return c;
  }

  @Test
  void commit_containerMadeFilesNamedLikeWhiteouts_isRefusedNeverADeletion() throws Exception {
    for (String made : List.of("/etc/.wh.passwd", "/tmp/.wh..wh..opq", "/.wh.bin")) {
      Container c = ranScript("echo data > " + made);
      try {
        ContainerException e = catchThrowableOfType(ContainerException.class, () ->
            c.commit(CommitOptions.builder().reference("localhost/whnamed:1").build()));
        assertThat(e).as(made).isNotNull();
        assertThat(e.getCause()).isInstanceOf(ImageFormatException.class)
            .hasMessageContaining("the container created '" + made + "'")
            .hasMessageContaining("would mean a deletion");
        assertThat(root.runtime.images().find("localhost/whnamed:1")).isEmpty();
      } finally {
        root.runtime.removeContainer(c, true);
      }
    }
  }

  @Test
  void commit_realDeletions_becomeWhiteoutsAndNothingElseIsDeleted() throws Exception {
    Container c = ranScript("rm /etc/hostname && rm -r /home/berth && echo new > /etc/new");
    try {
      Image image = c.commit(CommitOptions.builder().reference("localhost/deleted:1").build());
      assertThat(image.layerIds()).hasSize(2);
    } finally {
      root.runtime.removeContainer(c, true);
    }
    assertThat(root.inside("localhost/deleted:1", "etc/hostname", "home/berth", "home",
        "etc/passwd", "etc/new")).containsExactly(
            Map.entry("etc/hostname", "missing"), Map.entry("home/berth", "missing"),
            Map.entry("home", "dir 0755 0:0"),
            Map.entry("etc/passwd", root.inside(SecurityRoot.BASE, "etc/passwd")
                .get("etc/passwd")),
            Map.entry("etc/new", "file 0644 0:0 new\n"));
  }

  private static Map<String, TarArchiveEntry> entries(byte[] tar) throws Exception {
    Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry e;
      while ((e = in.getNextEntry()) != null) {
        out.put(e.getName().replaceAll("/$", ""), e);
      }
    }
    return out;
  }

  @Test
  void export_symlinksFifosAndDevices_areHeaderOnlyAndNeverOpened() throws Exception {
    root.importTar(Tar.busybox().fifo("opt/fifo", 0644).charDevice("opt/mem", 1, 1, 0600)
        .blockDevice("opt/disk", 7, 0, 0600).symlink("opt/secret", canary.secret().toString())
        .symlink("opt/loop", "loop").bytes(), "localhost/specials:1");
    Container c = root.runtime.newContainer(ContainerConfig.builder()
        .image("localhost/specials:1").command("sleep", "600").build());
    try {
      c.start();
      Path rootfs = c.mount();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OpenWatch fifo = OpenWatch.on(rootfs.resolve("opt/fifo"));
          OpenWatch mem = OpenWatch.on(rootfs.resolve("opt/mem"));
          OpenWatch disk = OpenWatch.on(rootfs.resolve("opt/disk"))) {
        c.export(out);
        assertThat(fifo.opened()).as("the fifo was opened").isFalse();
        assertThat(mem.opened()).as("the char device was opened").isFalse();
        assertThat(disk.opened()).as("the block device was opened").isFalse();
      }
      Map<String, TarArchiveEntry> tar = entries(out.toByteArray());
      assertThat(tar.get("opt/fifo").isFIFO()).isTrue();
      assertThat(tar.get("opt/mem").isCharacterDevice()).isTrue();
      assertThat(tar.get("opt/mem").getDevMinor()).isEqualTo(1);
      assertThat(tar.get("opt/disk").isBlockDevice()).isTrue();
      assertThat(tar.get("opt/disk").getDevMajor()).isEqualTo(7);
      assertThat(tar.get("opt/secret").getLinkName()).isEqualTo(canary.secret().toString());
      assertThat(tar.get("opt/loop").getLinkName()).isEqualTo("loop");
      for (String name : List.of("opt/fifo", "opt/mem", "opt/disk", "opt/secret",
          "opt/loop")) {
        assertThat(tar.get(name).getSize()).as(name).isZero();
      }
      assertThat(new String(out.toByteArray(), StandardCharsets.ISO_8859_1))
          .doesNotContain(Canary.SECRET);
    } finally {
      root.runtime.removeContainer(c, true);
    }
  }

  /**
   * While the host exports and commits a running container, its /d (a directory) and /l (a
   * symlink to the canary's host path) are exchanged atomically, nonstop: what a process in
   * the container can do at any moment. (The exchanging runs on the host, in the container's
   * mounted rootfs, because busybox has no renameat2; the file system sees the same calls.)
   * Whatever the timing, every archive is made, and none holds a canary name or byte.
   */
  @Test
  void exportAndCommit_directorySwappedForHostSymlinkMidRead_neverArchiveHostFiles()
      throws Exception {
    Container c = root.runtime.newContainer(ContainerConfig.builder().image(SecurityRoot.BASE)
        .command("sleep", "600").build());
    try {
      c.start();
      assertThat(c.exec(ExecConfig.builder().command("sh", "-c", "mkdir /d && for i in $(seq"
          + " 40); do echo inside > /d/f$i; done && ln -s " + canary.dir() + " /l").build())
          .exitCode()).isZero();
      Path rootfs = c.mount();
      long swapsBefore;
      try (Swapper swapper = new Swapper(rootfs.resolve("d"), rootfs.resolve("l"))) {
        for (int round = 0; round < 12; round++) {
          swapsBefore = swapper.swaps();
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          c.export(out);
          checkNoCanary(out.toByteArray(), "export " + round);
          if (round % 4 == 0) {
            Image committed = c.commit(CommitOptions.builder().pause(false).build());
            Path saved = dir.resolve("commit-" + round + ".tar");
            root.runtime.images().save(committed.id(), saved,
                io.berth.storage.ArchiveFormat.DOCKER_ARCHIVE);
            checkNoCanary(java.nio.file.Files.readAllBytes(saved), "commit " + round);
            root.runtime.images().remove(committed.id());
          }
          assertThat(swapper.swaps()).as("the exchange ran during round %d", round)
              .isGreaterThan(swapsBefore);
        }
      }
    } finally {
      root.runtime.removeContainer(c, true);
    }
  }

  private static void checkNoCanary(byte[] archive, String what) throws Exception {
    String text = new String(archive, StandardCharsets.ISO_8859_1);
    assertThat(text).as(what).doesNotContain(Canary.SECRET).doesNotContain(Canary.USER)
        .doesNotContain("secret-hardlink").doesNotContain("echo canary");
  }
}

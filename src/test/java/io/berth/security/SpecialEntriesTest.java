package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.security.ImageArchive.Layer;
import io.berth.storage.Image;
import io.berth.storage.ImageFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

/**
 * Device nodes, fifos, setuid and setgid files, the root entry, overlay xattrs and owner ids:
 * special entries are kept as the image says but contained (only root reaches the store, and a
 * container's device cgroup denies what the image's nodes point at); overlay xattrs are never
 * applied from a layer; owners outside 0..2^32-2 are rejected.
 */
class SpecialEntriesTest extends HostileInputTest {

  /** Major and minor of the disk that holds the test's files. */
  private static int[] hostDisk() throws Exception {
    long dev = (Long) Files.getAttribute(dir, "unix:dev");
    return new int[] {(int) ((dev >>> 8) & 0xfff), (int) ((dev & 0xff) | ((dev >>> 12) & 0xfff00))};
  }

  /** Runs {@code command} as nobody (uid and gid 65534, no groups); returns its output. */
  private static String asNobody(String... command) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534",
        "--regid=65534", "--clear-groups", "--"));
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return "exit " + p.waitFor() + ": " + out;
  }

  @Test
  void importRootfs_devicesFifosSetuid_areKeptButOnlyRootAndNoContainerCanUseThem()
      throws Exception {
    int[] disk = hostDisk();
    byte[] tar = Tar.busybox()
        .blockDevice("opt/disk", disk[0], disk[1], 0666)
        .charDevice("opt/null", 1, 3, 0666)
        .charDevice("opt/mem", 1, 1, 0666)
        .fifo("opt/fifo", 0666)
        .file("opt/suid", "#!/bin/sh\nid -u\n", 04755)
        .file("opt/sgid", "#!/bin/sh\nid -g\n", 02755)
        .bytes();
    Image image = root.importTar(tar, "localhost/special:1");
    assertThat(root.inside("localhost/special:1", "opt/disk", "opt/null", "opt/fifo",
        "opt/suid", "opt/sgid")).containsExactly(
            Map.entry("opt/disk", "blockdev " + disk[0] + ":" + disk[1] + " 0666 0:0"),
            Map.entry("opt/null", "chardev 1:3 0666 0:0"),
            Map.entry("opt/fifo", "fifo 0666 0:0"),
            Map.entry("opt/suid", "file 4755 0:0 #!/bin/sh\nid -u\n"),
            Map.entry("opt/sgid", "file 2755 0:0 #!/bin/sh\nid -g\n"));

    SecurityRoot.Run r = root.run("localhost/special:1", "sh", "-c",
        "head -c 1 /opt/disk; echo disk=$?; head -c 1 /opt/mem; echo mem=$?;"
            + " head -c 1 /opt/null; echo null=$?");
    assertThat(r.output()).contains("disk=1", "mem=1", "null=0")
        .contains("Operation not permitted");

    assertThat(Files.getAttribute(root.storage().resolve("overlay"), "unix:mode"))
        .as("the driver directory, whatever the root's mode").isEqualTo(040700);
    Path layerDir = root.storage().resolve("overlay")
        .resolve(image.layerIds().get(image.layerIds().size() - 1)).resolve("diff/opt");
    assertThat(asNobody("head", "-c", "1", layerDir.resolve("disk").toString()))
        .startsWith("exit 1").contains("Permission denied");
    assertThat(asNobody(layerDir.resolve("suid").toString()))
        .doesNotStartWith("exit 0").contains("Permission denied");
  }

  @Test
  void importRootfs_rootEntryWithModeAndOwner_changesOnlyTheContainersRoot() throws Exception {
    Path storage = root.storage();
    String storeBefore = describeStore(storage);
    byte[] tar = Tar.busybox().entry("./", TarConstants.LF_DIR, null, e -> {
      e.setMode(07777);
      e.setIds(1234, 1234);
    }).entry("/", TarConstants.LF_DIR, null, e -> {
      e.setMode(0777);
      e.setIds(4321, 4321);
    }).bytes();
    Image image = root.importTar(tar, "localhost/rootentry:1");
    assertThat(root.inside("localhost/rootentry:1", ".")).containsEntry(".",
        "dir 0777 4321:4321");
    assertThat(describeStore(storage)).isEqualTo(storeBefore);
    Path layer = storage.resolve("overlay").resolve(image.layerIds().get(0));
    assertThat((Integer) Files.getAttribute(layer, "unix:mode") & 0022).as("group/other write")
        .isZero();
    assertThat(Files.getAttribute(layer, "unix:uid")).isEqualTo(0);
  }

  /** Mode and owner of the store's own directories (not of layer contents). */
  private static String describeStore(Path storage) throws Exception {
    StringBuilder b = new StringBuilder();
    for (Path p : List.of(storage, storage.resolve("overlay"), storage.resolve("blobs"),
        storage.resolve("tmp"), storage.resolve("overlay/l"))) {
      b.append(p.getFileName()).append(' ')
          .append(Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode")))
          .append(' ').append(Files.getAttribute(p, "unix:uid")).append('\n');
    }
    return b.toString();
  }

  @Test
  void load_overlayXattrsInALayer_areNeverAppliedButOtherXattrsAre() throws Exception {
    byte[] lower = Tar.empty().dir("d", 0755).file("d/lower", "from the lower layer")
        .dir("r", 0755).file("r/x", "x").bytes();
    byte[] upper = Tar.empty()
        .entry("d/", TarConstants.LF_DIR, null, e -> {
          e.setMode(0755);
          e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
          e.addPaxHeader("SCHILY.xattr.user.overlay.opaque", "y");
        })
        .entry("r/", TarConstants.LF_DIR, null, e -> {
          e.setMode(0755);
          e.addPaxHeader("SCHILY.xattr.trusted.overlay.redirect", "/" + canary.relative());
          e.addPaxHeader("SCHILY.xattr.trusted.overlay.origin", "x");
        })
        .file("f", "f".getBytes(StandardCharsets.UTF_8), 0644, Map.of(
            "SCHILY.xattr.user.overlay.whiteout", "y",
            "SCHILY.xattr.trusted.overlay.metacopy", "",
            "SCHILY.xattr.user.kept", "kept"))
        .bytes();
    Path layout = ImageArchive.of("localhost/xattrs:1", Layer.plain(Tar.busybox().bytes()),
        Layer.plain(lower), Layer.plain(upper)).writeLayout(dir.resolve("xattrs"));
    Image image = root.runtime.images().load(layout).get(0);
    assertThat(root.inside("localhost/xattrs:1", "d/lower", "r/x", "f")).containsExactly(
        Map.entry("d/lower", "file 0644 0:0 from the lower layer"),
        Map.entry("r/x", "file 0644 0:0 x"),
        Map.entry("f", "file 0644 0:0 f"));
    Path diff = root.storage().resolve("overlay")
        .resolve(image.layerIds().get(2)).resolve("diff");
    assertThat(userXattrs(diff.resolve("f"))).containsExactly("user.kept");
    assertThat(userXattrs(diff.resolve("d"))).isEmpty();
  }

  private static List<String> userXattrs(Path p) throws Exception {
    UserDefinedFileAttributeView v = Files.getFileAttributeView(p,
        UserDefinedFileAttributeView.class);
    return v.list().stream().map(n -> "user." + n).sorted().toList();
  }

  @Test
  void importRootfs_ownerIdsOutsideTheValidRange_areRejected() throws Exception {
    for (long[] owner : List.of(new long[] {4294967295L, 0}, new long[] {0, 4294967295L},
        new long[] {4294967296L, 0}, new long[] {1L << 40, 1L << 40})) {
      byte[] tar = Tar.busybox().entry("opt/x", TarConstants.LF_NORMAL, new byte[0], e -> {
        e.setMode(0644);
        e.setUserId(owner[0]);
        e.setGroupId(owner[1]);
      }).bytes();
      ImageFormatException e = root.rejectedImport(tar, ImageFormatException.class);
      assertThat(e).hasMessageContaining("'opt/x' has owner " + owner[0] + ":" + owner[1])
          .hasMessageContaining("outside 0..4294967294");
    }
    byte[] negative = new RawTar().pax(RawTar.paxRecord("uid", "-1").getBytes(
        StandardCharsets.UTF_8)).header("opt/x", '0', 0).end();
    assertThat(root.rejectedImport(negative, ImageFormatException.class))
        .hasMessageContaining("uid is not a non-negative number");
    byte[] highest = Tar.busybox().entry("opt/x", TarConstants.LF_NORMAL, new byte[0], e -> {
      e.setUserId(4294967294L);
      e.setGroupId(4294967294L);
    }).bytes();
    root.importTar(highest, "localhost/highest-owner:1");
    assertThat(root.inside("localhost/highest-owner:1", "opt/x").get("opt/x"))
        .isEqualTo("file 0644 4294967294:4294967294 ");
  }
}

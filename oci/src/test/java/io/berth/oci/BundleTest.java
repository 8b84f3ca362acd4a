package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json generation from settings and image defaults (no runtime involved). */
class BundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  static Path rootfs;

  @TempDir Path tmp;

  @BeforeAll
  static void writeRootfs() throws Exception {
    rootfs = TestContainers.rootfs(shared.resolve("rootfs"));
  }

  private ContainerSettings.Builder settings() {
    return ContainerSettings.builder().rootfs(rootfs);
  }

  private JsonNode config(Bundle bundle) throws Exception {
    return JSON.readTree(bundle.configFile().toFile());
  }

  private Bundle write(ContainerSettings s, ImageDefaults d) {
    return Bundle.write(tmp.resolve("bundle"), s, d);
  }

  private static ImageDefaults image(List<String> entrypoint, List<String> cmd) {
    return ImageDefaults.builder().entrypoint(entrypoint).cmd(cmd).build();
  }

  @Test
  void args_imageOnly_entrypointThenCmd() {
    assertThat(write(settings().build(), image(List.of("ep"), List.of("c1", "c2"))).args())
        .containsExactly("ep", "c1", "c2");
  }

  @Test
  void args_commandGiven_replacesImageCmdKeepsEntrypoint() {
    assertThat(write(settings().command("x").build(), image(List.of("ep"), List.of("c"))).args())
        .containsExactly("ep", "x");
  }

  @Test
  void args_entrypointGiven_dropsImageCmd() {
    assertThat(write(settings().entrypoint("new").build(), image(List.of("ep"), List.of("c")))
        .args()).containsExactly("new");
  }

  @Test
  void args_entrypointAndCommandGiven_bothUsed() {
    assertThat(write(settings().entrypoint("new").command("arg").build(),
        image(List.of("ep"), List.of("c"))).args()).containsExactly("new", "arg");
  }

  @Test
  void args_nothingToRun_rejectedAndNothingWritten() {
    assertThatThrownBy(() -> write(settings().build(), ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("no command");
    assertThat(tmp.resolve("bundle")).doesNotExist();
  }

  @Test
  void env_containerWinsOverImage_defaultsAdded() {
    Bundle b = write(settings().command("true").env("B", "container").env("C", "3").build(),
        ImageDefaults.builder().env(List.of("A=1", "B=image", "PATH=/img/bin")).build());
    assertThat(b.env()).containsExactly("A=1", "B=container", "PATH=/img/bin", "C=3", "HOME=/root");
  }

  @Test
  void env_noPathInImage_defaultPathAndHomeOfUser() {
    Bundle b = write(settings().command("true").user("berth").build(), ImageDefaults.none());
    assertThat(b.env()).contains(
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/home/berth");
  }

  @Test
  void user_name_resolvedWithSupplementaryGroups() {
    Bundle b = write(settings().command("true").user("berth").build(), ImageDefaults.none());
    assertThat(List.of(b.uid(), b.gid())).containsExactly(1000, 1000);
    assertThat(b.additionalGids()).containsExactly(10);
  }

  @Test
  void user_numericUidKnown_gidFromPasswd() {
    Bundle b = write(settings().command("true").user("1000").build(), ImageDefaults.none());
    assertThat(List.of(b.uid(), b.gid())).containsExactly(1000, 1000);
    assertThat(b.additionalGids()).containsExactly(10);
  }

  @Test
  void user_numericUidUnknown_gidZero() {
    Bundle b = write(settings().command("true").user("4242").build(), ImageDefaults.none());
    assertThat(List.of(b.uid(), b.gid())).containsExactly(4242, 0);
    assertThat(b.additionalGids()).isEmpty();
  }

  @Test
  void user_nameAndGroupName_groupResolved() {
    Bundle b = write(settings().command("true").user("berth:wheel").build(), ImageDefaults.none());
    assertThat(List.of(b.uid(), b.gid())).containsExactly(1000, 10);
    assertThat(b.additionalGids()).isEmpty();
  }

  @Test
  void user_fromImage_usedWhenContainerSetsNone() {
    Bundle b = write(settings().command("true").build(),
        ImageDefaults.builder().user("berth").build());
    assertThat(b.uid()).isEqualTo(1000);
  }

  @Test
  void user_unknownNameOrGroup_rejectedNamingIt() {
    assertThatThrownBy(() -> write(settings().command("true").user("ghost").build(),
        ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'ghost'")
        .hasMessageContaining("/etc/passwd");
    assertThatThrownBy(() -> write(settings().command("true").user("berth:ghosts").build(),
        ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'ghosts'")
        .hasMessageContaining("/etc/group");
    assertThat(tmp.resolve("bundle")).doesNotExist();
  }

  @Test
  void user_idAbove2pow31_rejectedByBuilder() {
    assertThatThrownBy(() -> settings().user("2147483648"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2147483647");
    assertThatThrownBy(() -> settings().user("1:99999999999"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings().user("a:b:c")).isInstanceOf(IllegalArgumentException.class);
  }

  /** A rootfs whose /etc/passwd is replaced by {@code link}; the host file must not be read. */
  private Path rootfsWithPasswdLink(String link) throws Exception {
    Path r = TestContainers.rootfs(tmp.resolve("evil-rootfs"));
    Files.delete(r.resolve("etc/passwd"));
    Files.createSymbolicLink(r.resolve("etc/passwd"), Path.of(link));
    return r;
  }

  @Test
  void user_passwdIsSymlinkToHostFile_lookupStaysInsideRootfs() throws Exception {
    Path hostPasswd = tmp.resolve("host-passwd");
    Files.writeString(hostPasswd, "intruder:x:666:666::/:/bin/sh\n");
    for (String link : List.of(hostPasswd.toString(), "../../../../../../../../.." + hostPasswd)) {
      Path evil = rootfsWithPasswdLink(link);
      assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
          .rootfs(evil).command("true").user("intruder").build(), ImageDefaults.none()))
          .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'intruder' not found");
      // The same file placed inside the rootfs, at the link's target, is found: the link is
      // followed, but with the rootfs as '/'.
      Path inside = evil.resolve(hostPasswd.toString().substring(1));
      Files.createDirectories(inside.getParent());
      Files.copy(hostPasswd, inside);
      assertThat(Bundle.write(tmp.resolve("b"), ContainerSettings.builder().rootfs(evil)
          .command("true").user("intruder").build(), ImageDefaults.none()).uid()).isEqualTo(666);
      TestFiles.deleteTree(evil);
    }
  }

  @Test
  void user_passwdIsDeviceOrFifo_rejectedWithoutReading() throws Exception {
    Path evil = rootfsWithPasswdLink("/dev/zero");
    run("mknod", evil.resolve("dev/zero").toString(), "c", "1", "5");
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
            .rootfs(evil).command("true").user("root").build(), ImageDefaults.none()))
            .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a regular file"));
    Files.delete(evil.resolve("dev/zero"));
    run("mkfifo", evil.resolve("dev/zero").toString());
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
            .rootfs(evil).command("true").user("root").build(), ImageDefaults.none()))
            .isInstanceOf(InvalidSpecException.class).hasMessageContaining("not a regular file"));
  }

  @Test
  void write_rootfsWhoseDevProcOrSysIsNotADirectory_isRefusedAndNothingWritten()
      throws Exception {
    Path host = Files.createDirectories(tmp.resolve("host-dir"));
    for (String dir : List.of("dev", "proc", "sys")) {
      for (String link : List.of(host.toString(), "../../../../../../../.." + host)) {
        Path r = TestContainers.rootfs(tmp.resolve("linked-" + dir));
        TestFiles.deleteTree(r.resolve(dir));
        Files.createSymbolicLink(r.resolve(dir), Path.of(link));
        assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
            .rootfs(r).command("true").build(), ImageDefaults.none()))
            .isInstanceOf(InvalidSpecException.class)
            .hasMessageContaining("/" + dir + " in the image")
            .hasMessageContaining("is a symlink to '" + link + "'");
        assertThat(tmp.resolve("b/config.json")).doesNotExist();
        TestFiles.deleteTree(r);
      }
    }
    Path file = TestContainers.rootfs(tmp.resolve("file-dev"));
    TestFiles.deleteTree(file.resolve("dev"));
    Files.writeString(file.resolve("dev"), "not a directory");
    assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
        .rootfs(file).command("true").build(), ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is not a directory");
    Path none = TestContainers.rootfs(tmp.resolve("no-dev"));
    TestFiles.deleteTree(none.resolve("dev"));
    assertThat(Bundle.write(tmp.resolve("b"), ContainerSettings.builder().rootfs(none)
        .command("true").build(), ImageDefaults.none()).configFile()).exists();
    try (var entries = Files.list(host)) {
      assertThat(entries).as("nothing was made in the host directory").isEmpty();
    }
  }

  @Test
  void user_hugePasswd_rejectedAtTheCap() throws Exception {
    Path r = TestContainers.rootfs(tmp.resolve("big-rootfs"));
    byte[] line = "filler:x:5:5::/:/bin/sh\n".getBytes();
    try (var out = Files.newOutputStream(r.resolve("etc/passwd"))) {
      for (int written = 0; written <= 1024 * 1024; written += line.length) {
        out.write(line);
      }
    }
    assertThatThrownBy(() -> Bundle.write(tmp.resolve("b"), ContainerSettings.builder()
        .rootfs(r).command("true").user("berth").build(), ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("larger than 1048576");
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }

  @Test
  void rlimits_defaultsAndRequests_clampedToOurHardLimit() throws Exception {
    long hard = Files.readAllLines(Path.of("/proc/self/limits")).stream()
        .filter(l -> l.startsWith("Max open files")).map(l -> l.split("\\s+")[4])
        .mapToLong(Long::parseLong).findFirst().orElseThrow();
    JsonNode c = config(write(settings().command("true").rlimit("core", 10, 20).build(),
        ImageDefaults.none()));
    List<String> limits = new ArrayList<>();
    c.at("/process/rlimits").forEach(l -> limits.add(l.get("type").asText() + " "
        + l.get("soft").asLong() + " " + l.get("hard").asLong()));
    long nofile = Math.min(1048576, hard);
    assertThat(limits).contains("RLIMIT_NOFILE " + nofile + " " + nofile, "RLIMIT_CORE 10 20");
    JsonNode high = config(write(settings().command("true").rlimit("nofile", 10, hard + 1000)
        .build(), ImageDefaults.none()));
    assertThat(high.at("/process/rlimits/0/hard").asLong()).isEqualTo(hard);
    assertThat(high.at("/process/rlimits/0/soft").asLong()).isEqualTo(10);
  }

  @Test
  void capabilities_rootNonRootPrivileged_followPodman() throws Exception {
    JsonNode root = config(write(settings().command("true").build(), ImageDefaults.none()));
    List<String> podman = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
        "CAP_SETUID", "CAP_SYS_CHROOT");
    assertThat(texts(root.at("/process/capabilities/bounding"))).containsExactlyElementsOf(podman);
    assertThat(texts(root.at("/process/capabilities/effective"))).containsExactlyElementsOf(podman);
    assertThat(texts(root.at("/process/capabilities/inheritable"))).isEmpty();

    JsonNode user = config(write(settings().command("true").user("berth").capAdd("net_raw")
        .capDrop("CAP_CHOWN").build(), ImageDefaults.none()));
    assertThat(texts(user.at("/process/capabilities/bounding"))).contains("CAP_NET_RAW")
        .doesNotContain("CAP_CHOWN");
    assertThat(texts(user.at("/process/capabilities/effective"))).containsExactly("CAP_NET_RAW");
    assertThat(texts(user.at("/process/capabilities/ambient"))).containsExactly("CAP_NET_RAW");

    JsonNode priv = config(write(settings().command("true").privileged(true).build(),
        ImageDefaults.none()));
    assertThat(texts(priv.at("/process/capabilities/effective"))).contains("CAP_SYS_ADMIN")
        .hasSizeGreaterThan(30);
    assertThat(priv.at("/linux/maskedPaths").isMissingNode()).isTrue();
    assertThat(priv.at("/linux/resources/devices/0/allow").asBoolean()).isTrue();
  }

  @Test
  void linux_defaults_namespacesMasksAndMountsLikePodman() throws Exception {
    JsonNode c = config(write(settings().command("true").build(), ImageDefaults.none()));
    List<String> ns = new ArrayList<>();
    c.at("/linux/namespaces").forEach(n -> ns.add(n.get("type").asText()));
    assertThat(ns).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network");
    assertThat(texts(c.at("/linux/maskedPaths"))).contains("/proc/kcore", "/proc/keys",
        "/sys/firmware");
    assertThat(texts(c.at("/linux/readonlyPaths"))).contains("/proc/sys", "/proc/sysrq-trigger");
    List<String> dests = new ArrayList<>();
    c.at("/mounts").forEach(m -> dests.add(m.get("destination").asText()));
    assertThat(dests).containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue",
        "/sys", "/sys/fs/cgroup");
    assertThat(c.at("/linux/resources/devices/0/allow").asBoolean()).isFalse();
    assertThat(c.at("/root/path").asText()).isEqualTo(rootfs.toString());

    JsonNode host = config(write(settings().command("true").network(NetworkMode.HOST).build(),
        ImageDefaults.none()));
    List<String> hostNs = new ArrayList<>();
    host.at("/linux/namespaces").forEach(n -> hostNs.add(n.get("type").asText()));
    assertThat(hostNs).doesNotContain("network");
  }

  @Test
  void bindMount_missingSource_rejectedAndOldConfigKept() throws Exception {
    Bundle first = write(settings().command("first").build(), ImageDefaults.none());
    byte[] before = Files.readAllBytes(first.configFile());
    Path missing = tmp.resolve("nope");
    assertThatThrownBy(() -> write(settings().command("second")
        .bindMount(BindMount.of(missing, ContainerPath.of("/data"), true)).build(),
        ImageDefaults.none()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining(missing.toString())
        .hasMessageContaining("/data");
    assertThat(Files.readAllBytes(first.configFile())).isEqualTo(before);
    try (var files = Files.list(first.dir())) {
      assertThat(files).containsExactly(first.configFile());
    }
  }

  @Test
  void bindMount_overDefaultMount_replacesIt() throws Exception {
    JsonNode c = config(write(settings().command("true")
        .bindMount(BindMount.of(tmp, ContainerPath.of("/dev/shm"), false)).build(),
        ImageDefaults.none()));
    List<String> shm = new ArrayList<>();
    c.at("/mounts").forEach(m -> {
      if (m.get("destination").asText().equals("/dev/shm")) {
        shm.add(m.get("type").asText() + " " + m.get("source").asText() + " " + m.get("options"));
      }
    });
    assertThat(shm).containsExactly("bind " + tmp + " [\"rbind\",\"rw\",\"rprivate\"]");
  }

  @Test
  void workingDir_imageRelativeOrProc_handled() {
    assertThat(write(settings().command("true").build(),
        ImageDefaults.builder().workingDir("app/src").build()).workingDir())
        .isEqualTo(ContainerPath.of("/app/src"));
    assertThatThrownBy(() -> write(settings().command("true").build(),
        ImageDefaults.builder().workingDir("/proc/self/fd/3").build()))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("/proc/self/fd/3");
    assertThatThrownBy(() -> settings().workingDir(ContainerPath.of("/proc/self/cwd")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void open_writtenBundle_roundTrips() {
    Bundle written = write(settings().command("a", "b").user("berth").hostname("box").build(),
        ImageDefaults.none());
    Bundle read = Bundle.open(written.dir());
    assertThat(read.args()).containsExactly("a", "b");
    assertThat(read.uid()).isEqualTo(1000);
    assertThat(read.hostname()).contains("box");
    assertThat(read.rootfs()).isEqualTo(rootfs);
    assertThatThrownBy(() -> Bundle.open(tmp.resolve("empty")))
        .isInstanceOf(BundleException.class).hasMessageContaining("no config.json");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

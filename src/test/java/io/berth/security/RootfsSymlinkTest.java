package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.OciRuntimeException;
import io.berth.oci.BindMount;
import io.berth.oci.ContainerPath;
import io.berth.oci.InvalidSpecException;
import io.berth.storage.ConfigChanges;
import io.berth.storage.ImageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files of the image that Berth itself reads or uses on the host, made symlinks out of the
 * rootfs: {@code /etc/passwd} and {@code /etc/group} (user lookup reads inside the rootfs
 * only, only regular files, a bounded amount, and never opens a device or fifo), the working
 * directory, {@code /dev} and {@code /proc}. Berth writes nothing into a rootfs on the host;
 * the OCI runtime resolves the working directory and mount targets inside the container.
 */
class RootfsSymlinkTest extends HostileInputTest {

  private static SecurityRoot crunRoot;

  /** The overlay root driven by {@code ociRuntime}: runc, or crun (opened on first use). */
  private static SecurityRoot rootOn(String ociRuntime) throws Exception {
    if (ociRuntime.equals("runc")) {
      return root;
    }
    if (crunRoot == null) {
      crunRoot = openRoot("crun", "overlay", "crun");
    }
    return crunRoot;
  }

  @AfterAll
  static void forgetCrunRoot() {
    crunRoot = null; // closed with the other roots
  }

  /** Starts a container of {@code image} as {@code user}, expecting the lookup to fail. */
  private static InvalidSpecException refusedUser(String image, String user) {
    return refusedStart(image, b -> b.user(user));
  }

  @Test
  void start_userInImageWhosePasswdAndGroupLinkToHostFiles_isLookedUpInsideTheRootfsOnly()
      throws Exception {
    root.importTar(Tar.busybox().symlink("etc/passwd", canary.dir() + "/passwd")
        .symlink("etc/group", canary.dir() + "/group").bytes(), "localhost/abs-passwd:1");
    root.importTar(Tar.busybox().symlink("etc/passwd", "../".repeat(20) + canary.relative()
        + "/passwd").symlink("etc/group", "../../../../../../../../../../../"
        + canary.relative() + "/group").bytes(), "localhost/rel-passwd:1");
    for (String image : List.of("localhost/abs-passwd:1", "localhost/rel-passwd:1")) {
      assertThat(refusedUser(image, Canary.USER)).hasMessageContaining(
          "user '" + Canary.USER + "' not found in /etc/passwd of rootfs");
      assertThat(refusedUser(image, "0:" + Canary.USER)).hasMessageContaining(
          "group '" + Canary.USER + "' not found in /etc/group of rootfs");
    }
  }

  @Test
  void start_userLookupThroughSymlinkInsideTheRootfs_works() throws Exception {
    root.importTar(Tar.busybox().file("usr/share/passwd", "root:x:0:0::/root:/bin/sh\n"
        + Canary.USER + ":x:4242:4242::/:/bin/sh\n").symlink("etc/passwd", "../usr/share/passwd")
        .bytes(), "localhost/inside-passwd:1");
    SecurityRoot.Run r = root.run("localhost/inside-passwd:1", b -> b.user(Canary.USER), "id",
        "-u");
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).isEqualTo("4242\n");
  }

  @Test
  void start_passwdOrGroupLinkedToDeviceOrFifo_isRefusedWithoutOpeningIt() throws Exception {
    root.importTar(Tar.busybox().charDevice("dev/zero", 1, 5, 0666)
        .symlink("etc/passwd", "/dev/zero").bytes(), "localhost/zero-passwd:1");
    root.importTar(Tar.busybox().fifo("etc/pipe", 0666).symlink("etc/group", "/etc/pipe")
        .bytes(), "localhost/fifo-group:1");
    checkNeverOpened("localhost/zero-passwd:1", Canary.USER, "dev/zero",
        "/etc/passwd in rootfs");
    checkNeverOpened("localhost/fifo-group:1", "0:" + Canary.USER, "etc/pipe",
        "/etc/group in rootfs");
  }

  private static void checkNeverOpened(String image, String user, String special,
      String what) {
    Container c = root.runtime.newContainer(ContainerConfig.builder().image(image).user(user)
        .command("id").build());
    try {
      Path rootfs = c.mount();
      try (OpenWatch watch = OpenWatch.on(rootfs.resolve(special))) {
        OciRuntimeException e = catchThrowableOfType(OciRuntimeException.class, c::start);
        assertThat(e).isNotNull();
        assertThat(e.getCause()).isInstanceOf(InvalidSpecException.class)
            .hasMessageContaining(what).hasMessageContaining("is not a regular file");
        assertThat(watch.opened()).as("Berth opened /%s of the image", special).isFalse();
      } finally {
        c.unmount();
      }
    } finally {
      root.runtime.removeContainer(c, true);
    }
  }

  @Test
  void start_passwdLargerThanTheCap_isRefused() throws Exception {
    String huge = "x:x:1:1::/:/bin/sh\n".repeat(70_000) + Canary.USER + ":x:4242:4242::/:/x\n";
    root.importTar(Tar.busybox().file("etc/passwd", huge).bytes(), "localhost/huge-passwd:1");
    assertThat(refusedUser("localhost/huge-passwd:1", Canary.USER))
        .hasMessageContaining("/etc/passwd in rootfs").hasMessageContaining("larger than "
            + (1 << 20) + " bytes");
  }

  private static void importWithWorkingDir(byte[] tar, String reference, String workingDir)
      throws Exception {
    Path file = Files.write(dir.resolve("workdir.tar"), tar);
    root.runtime.images().importRootfs(file, ImageOptions.builder().reference(reference)
        .changes(ConfigChanges.builder().workingDir(workingDir).build()).build());
  }

  /** Runs a container, then reports what its rootfs holds at {@code paths}, then removes it. */
  private static Map<String, String> runThenLook(String image,
      Consumer<ContainerConfig.Builder> setup, List<String> command, String... paths)
      throws Exception {
    ContainerConfig.Builder b = ContainerConfig.builder().image(image).command(command);
    setup.accept(b);
    Container c = root.runtime.newContainer(b.build());
    try {
      c.start();
      assertThat(c.waitForExit(java.time.Duration.ofSeconds(60))).as("exit of %s", command)
          .hasValue(0);
      Path rootfs = c.mount();
      try {
        return SecurityRoot.Inside.describe(rootfs, List.of(paths));
      } finally {
        c.unmount();
      }
    } finally {
      root.runtime.removeContainer(c, true);
    }
  }

  /**
   * The runtime resolves the working directory inside the container: a symlink to a path the
   * rootfs has is followed there, and one to a path it lacks is refused (runc will not create
   * a directory where a dangling symlink is).
   */
  @Test
  void start_workingDirThatIsASymlinkOutOfTheRootfs_isResolvedInsideIt() throws Exception {
    String c = canary.relative();
    importWithWorkingDir(Tar.busybox().dir(c, 0755).dir(c + "/sub", 0755)
        .symlink("work", canary.dir().toString())
        .symlink("rel", "../../../../../../../../" + c + "/sub").bytes(),
        "localhost/workdir:1", "/work");
    assertThat(runThenLook("localhost/workdir:1", b -> { },
        List.of("sh", "-c", "echo image > from-image"), c + "/from-image"))
        .containsEntry(c + "/from-image", "file 0644 0:0 image\n");
    assertThat(runThenLook("localhost/workdir:1", b -> b.workingDir("/rel"),
        List.of("sh", "-c", "echo container > from-container"), c + "/sub/from-container"))
        .containsEntry(c + "/sub/from-container", "file 0644 0:0 container\n");

    importWithWorkingDir(Tar.busybox().symlink("work", canary.dir().toString()).bytes(),
        "localhost/dangling-workdir:1", "/work");
    Container dangling = root.runtime.newContainer(ContainerConfig.builder()
        .image("localhost/dangling-workdir:1").command("sh", "-c", "echo x > f").build());
    try {
      OciRuntimeException e = catchThrowableOfType(OciRuntimeException.class, dangling::start);
      assertThat(e).isNotNull();
      assertThat(e.runtimeStderr()).contains("mkdir /work");
    } finally {
      root.runtime.removeContainer(dangling, true);
    }
  }

  /**
   * The runtime mounts /dev, /proc and /sys on the image's directories; runc follows a /dev
   * symlink from the host side (it created /dev/fd, /dev/ptmx, ... in the host directory the
   * link named). Berth refuses such an image before the runtime runs.
   */
  @Test
  void start_devProcOrSysThatIsNotADirectory_isRefusedBeforeTheRuntimeRuns() throws Exception {
    int n = 0;
    for (String dir : List.of("dev", "proc", "sys")) {
      for (String target : List.of(canary.dir().toString(),
          "../../../../../../../../../" + canary.relative())) {
        String image = "localhost/linked-" + dir + ":" + (++n);
        root.importTar(Tar.busybox().symlink(dir, target).bytes(), image);
        assertThat(refusedStart(image)).hasMessageContaining("/" + dir + " in the image")
            .hasMessageContaining("is a symlink to '" + target + "'")
            .hasMessageContaining("Rebuild it with a real /" + dir + " directory");
      }
    }
    root.importTar(Tar.busybox().file("dev", "not a directory").bytes(), "localhost/file-dev:1");
    assertThat(refusedStart("localhost/file-dev:1"))
        .hasMessageContaining("/dev in the image").hasMessageContaining("is not a directory");
  }

  /**
   * A bind mount whose destination in the image is a symlink out of the rootfs: the runtime
   * resolves the destination inside the rootfs (where the image has the link's target), so
   * the host directory the link names is untouched and the container writes into the bind
   * source. (A dangling link there is refused by crun and made a directory inside the rootfs
   * by runc.)
   */
  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void start_bindMountOntoImageSymlinkOutOfTheRootfs_landsInsideTheRootfs(String oci)
      throws Exception {
    SecurityRoot r = rootOn(oci);
    r.importTar(Tar.busybox().dir(canary.relative(), 0755)
        .symlink("data", canary.dir().toString()).bytes(), "localhost/bind-link:1");
    Path source = Files.createDirectories(dir.resolve("bind-source-" + oci));
    Files.writeString(source.resolve("from-host"), "bind source\n");
    SecurityRoot.Run run = r.run("localhost/bind-link:1", b -> b.bindMount(BindMount.of(source,
        ContainerPath.of("/data"), false)), "sh", "-c",
        "cat /data/from-host && echo written > /data/new");
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("bind source\n");
    assertThat(source.resolve("new")).hasContent("written");
  }

  /** Starts a container of {@code image}, expecting Berth to refuse it before the runtime. */
  private static InvalidSpecException refusedStart(String image) {
    return refusedStart(image, b -> { });
  }

  private static InvalidSpecException refusedStart(String image,
      Consumer<ContainerConfig.Builder> setup) {
    ContainerConfig.Builder b = ContainerConfig.builder().image(image).command("id");
    setup.accept(b);
    Container c = root.runtime.newContainer(b.build());
    try {
      OciRuntimeException e = catchThrowableOfType(OciRuntimeException.class, c::start);
      assertThat(e).as("start of %s", image).isNotNull();
      assertThat(e.getCause()).isInstanceOf(InvalidSpecException.class);
      return (InvalidSpecException) e.getCause();
    } finally {
      root.runtime.removeContainer(c, true);
    }
  }
}

package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generated config.json files run on real runc and crun, and do inside what they say. */
class SpecOnRuntimeTest {
  @TempDir Path tmp;

  private static List<String> stdout(TestContainers.Handle h) {
    return ContainerLogs.readLines(h.request().logFile()).stream()
        .filter(l -> l.stream() == LogStream.STDOUT).map(LogLine::text).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void run_everySetting_appliedInsideTheContainer(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      Path ro = Files.createDirectories(tmp.resolve("ro"));
      Files.writeString(ro.resolve("file"), "from the host\n");
      Path rw = Files.createDirectories(tmp.resolve("rw"));
      Files.setPosixFilePermissions(rw, PosixFilePermissions.fromString("rwxrwxrwx"));
      String script = String.join("; ",
          "id -u", "id -g", "id -G", "hostname", "pwd", "echo $GREETING",
          "cat /data/ro/file",
          "touch /data/ro/x 2>/dev/null && echo ro-writable || echo ro-readonly",
          "touch /data/rw/y && echo rw-writable",
          "touch /should-fail 2>/dev/null && echo rootfs-writable || echo rootfs-readonly",
          "ulimit -n", "ls /sys/class/net | tr '\\n' ' '; echo",
          "stat -c %t:%T /proc/interrupts",
          "echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable || echo sys-readonly");
      TestContainers.Handle h = t.create(t.settings("sh", "-c", script)
          .user("berth")
          .hostname("berth-box")
          .workingDir(ContainerPath.of("/home/berth"))
          .env("GREETING", "hello world")
          .readOnlyRootfs(true)
          .bindMount(BindMount.of(ro, ContainerPath.of("/data/ro"), true))
          .bindMount(BindMount.of(rw, ContainerPath.of("/data/rw"), false))
          .rlimit("nofile", 512, 1024)
          .annotation("io.berth.test", "yes")
          .build());
      assertThat(t.runtime.state(h.id()).orElseThrow().annotations())
          .containsEntry("io.berth.test", "yes");
      t.runtime.start(h.id());
      assertThat(h.awaitExit().exitCode()).isZero();
      assertThat(stdout(h)).as("stderr: %s", ContainerLogs.readLines(h.request().logFile()).stream()
          .filter(l -> l.stream() == LogStream.STDERR).map(LogLine::text).toList())
          .containsExactly("1000", "1000", "1000 10", "berth-box",
          "/home/berth", "hello world", "from the host", "ro-readonly", "rw-writable",
          "rootfs-readonly", "512", "lo ", "1:3", "sys-readonly");
      assertThat(rw.resolve("y")).exists();
      assertThat(ro.resolve("x")).doesNotExist();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void run_hostNetwork_seesHostInterfaces(String runtime) throws Exception {
    List<String> host;
    try (var s = Files.list(Path.of("/sys/class/net"))) {
      host = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create(t.settings("ls", "-1", "/sys/class/net")
          .network(NetworkMode.HOST).build());
      t.runtime.start(h.id());
      h.awaitExit();
      assertThat(stdout(h)).containsExactlyInAnyOrderElementsOf(host);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void run_privileged_allCapabilitiesAndWritableSys(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create(t.settings("sh", "-c",
          "grep CapEff /proc/self/status")
          .privileged(true).build());
      t.runtime.start(h.id());
      h.awaitExit();
      String bounding = Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("CapBnd")).findFirst().orElseThrow().substring(7).strip();
      assertThat(stdout(h).get(0)).isEqualTo("CapEff:\t" + bounding);
    }
  }
}

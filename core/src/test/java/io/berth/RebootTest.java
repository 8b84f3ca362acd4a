package io.berth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a reboot the run root is empty and nothing runs. The next open must refresh every
 * record (ran → EXITED, created → CONFIGURED) and every container must work again.
 */
class RebootTest {
  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir, "overlay", "runc");
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void open_afterRunRootWiped_refreshesStatesAndContainersRunAgain() throws Exception {
    Container running = f.create("sleep", "1000");
    running.start();
    Container created = f.create("sh", "-c", "exit 6");
    created.init();
    Container exited = f.create("sh", "-c", "exit 3");
    exited.start();
    exited.waitForExit();
    List<String> ids = List.of(running.id(), created.id(), exited.id());
    Path root = f.runtime.root();
    Path runRoot = f.runtime.runRoot();
    f.closeRuntime();
    f = null;

    simulateReboot(ids, root, runRoot);
    try (Runtime after = Fixture.open(dir, "overlay", "runc")) {
      Container r = after.lookupContainer(running.id());
      Container c = after.lookupContainer(created.id());
      Container e = after.lookupContainer(exited.id());

      assertThat(r.state()).isEqualTo(ContainerState.EXITED);
      assertThat(r.inspect(false).stateReason()).hasValueSatisfying(
          reason -> assertThat(reason).contains("restarted"));
      assertThat(c.state()).isEqualTo(ContainerState.CONFIGURED);
      assertThat(e.state()).isEqualTo(ContainerState.EXITED);
      assertThat(e.inspect(false).exitCode()).hasValue(3);
      assertThat(runRoot.resolve("alive")).exists();

      c.start();
      assertThat(c.waitForExit()).isEqualTo(6);
      e.start();
      assertThat(e.waitForExit()).isEqualTo(3);
      for (Container x : after.containers()) {
        after.removeContainer(x, true);
      }
    }
  }

  /** What a reboot does: every process and mount gone, the run root (a tmpfs) empty. */
  private static void simulateReboot(List<String> ids, Path root, Path runRoot)
      throws Exception {
    for (String id : ids) {
      for (long pid : MultiProcessTest.processesMentioning(id)) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      run("runc", "--root", runRoot.resolve("oci").toString(), "delete", "--force", id);
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String mountPoint = line.split(" ")[4];
      if (mountPoint.startsWith(root.toString())) {
        run("umount", "-l", mountPoint);
      }
    }
    try (Stream<Path> walk = Files.walk(runRoot)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static void run(String... command) throws Exception {
    new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }
}

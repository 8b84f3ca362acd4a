package io.berth.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.Container;
import io.berth.ContainerInspect;
import io.berth.ContainerState;
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
 * Processes that die or vanish under Berth: conmon killed, the run directory wiped, a pid
 * reused by a stranger. Each ends in a clear state with nothing leaked and nothing wrongly
 * signalled.
 */
class ProcessFaultTest {
  @TempDir Path dir;
  TestRoot root;

  @BeforeEach
  void open() {
    root = new TestRoot(dir);
  }

  @AfterEach
  void close() {
    root.close();
  }

  @Test
  void conmonKilled_whileRunning_containerStoppedCleanedAndReported() throws Exception {
    Container c = root.create("sleep", "1000");
    c.start();
    int pid = c.inspect(false).pid().getAsInt();
    long conmon = conmonOf(c.id());

    ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
    ProcessHandle.of(conmon).ifPresent(p -> p.onExit().join());

    assertThat(c.state()).isEqualTo(ContainerState.EXITED);
    ContainerInspect inspect = c.inspect(false);
    assertThat(inspect.exitCode()).hasValue(-1);
    assertThat(inspect.stateReason().orElseThrow()).contains("conmon");
    assertThat(inspect.mountpoint()).isEmpty();
    assertThat(TestRoot.isRunning(pid)).as("container init still runs").isFalse();
    assertThat(root.runtime.runRoot().resolve("oci").resolve(c.id())).doesNotExist();
    assertThat(TestRoot.mountsUnder(dir)).isEmpty();
    root.runtime.removeContainer(c, true);
    root.assertStillWorks();
  }

  @Test
  void removeContainer_force_afterConmonKilled_works() throws Exception {
    Container c = root.create("sleep", "1000");
    c.start();
    long conmon = conmonOf(c.id());
    ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
    ProcessHandle.of(conmon).ifPresent(p -> p.onExit().join());

    root.runtime.removeContainer(c, true);

    assertThat(root.runtime.findContainer(c.id())).isEmpty();
    assertThat(TestRoot.processesMentioning(c.id())).isEmpty();
    assertThat(TestRoot.mountsUnder(dir)).isEmpty();
  }

  @Test
  void runRootWiped_withoutReboot_nothingLeaksAndContainersWorkAgain() throws Exception {
    Container running = root.create("sleep", "1000");
    running.start();
    int pid = running.inspect(false).pid().getAsInt();
    Container created = root.create("sh", "-c", "exit 5");
    created.init();
    Path runRoot = root.runtime.runRoot();
    root.runtime.close();

    deleteTree(runRoot);
    root.runtime = root.open();

    Container r = root.runtime.lookupContainer(running.id());
    Container c = root.runtime.lookupContainer(created.id());
    assertThat(r.state()).isEqualTo(ContainerState.EXITED);
    assertThat(c.state()).isEqualTo(ContainerState.CONFIGURED);
    assertThat(TestRoot.isRunning(pid)).as("container init still runs").isFalse();
    assertThat(TestRoot.processesMentioning(running.id())).isEmpty();
    assertThat(TestRoot.processesMentioning(created.id())).isEmpty();
    assertThat(TestRoot.mountsUnder(dir)).as("stale mounts reconciled").isEmpty();

    c.start();
    assertThat(c.waitForExit()).isEqualTo(5);
    r.start();
    r.stop(java.time.Duration.ZERO);
    assertThat(r.waitForExit()).isEqualTo(137);
  }

  @Test
  void pidReused_afterConmonDied_strangerIsNotSignalled() throws Exception {
    Container c = root.create("sleep", "1000");
    c.start();
    long conmon = conmonOf(c.id());
    // The container must not run on either: kill it too, as an OOM kill of both would.
    TestRoot.run("runc", "--root", root.runtime.runRoot().resolve("oci").toString(), "kill", c.id(),
        "KILL");
    ProcessHandle.of(conmon).orElseThrow().destroyForcibly();
    ProcessHandle.of(conmon).ifPresent(p -> p.onExit().join());

    Process stranger = PidReuse.spawnWithPid(conmon, "sleep", "1000");
    try {
      assertThat(stranger.pid()).isEqualTo(conmon);

      assertThat(c.state()).isIn(ContainerState.STOPPED, ContainerState.EXITED);
      root.runtime.removeContainer(c, true);

      assertThat(stranger.isAlive()).as("a process Berth did not start was not signalled")
          .isTrue();
    } finally {
      stranger.destroyForcibly().waitFor();
    }
  }

  private static long conmonOf(String id) throws Exception {
    List<Long> pids = TestRoot.processesMentioning(id);
    for (long pid : pids) {
      String exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
      if (exe.endsWith("/conmon")) {
        return pid;
      }
    }
    throw new AssertionError("no conmon for " + id + " among " + pids);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.berth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs on one root, JVMs that exit or die mid-operation, and what survives them. */
class MultiProcessTest {
  private static final String DRIVER = "overlay";
  private static final String RUNTIME = "runc";

  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir, DRIVER, RUNTIME);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void twoJvms_oneStartsTheOtherStopsAndWaits_bothSeeTheSameState() throws Exception {
    Container c = f.create("sleep", "1000");

    ChildJvm.Result started = ChildJvm.run(dir, DRIVER, RUNTIME, "start", c.id());
    assertThat(started.stdout()).as(started.stderr()).isEqualTo("RUNNING");
    assertThat(c.state()).isEqualTo(ContainerState.RUNNING);

    ChildJvm.Result stopped = ChildJvm.run(dir, DRIVER, RUNTIME, "stop-and-wait", c.id());
    assertThat(stopped.stdout()).as(stopped.stderr()).isEqualTo("137");
    assertThat(c.state()).isEqualTo(ContainerState.STOPPED);
    assertThat(c.waitForExit()).isEqualTo(137);
  }

  @Test
  void open_freshJvm_loadsSqliteFromBerthsCacheNotAFreshTempCopy() throws Exception {
    Container c = f.create("true");

    ChildJvm.Result loaded = ChildJvm.run(dir, DRIVER, RUNTIME, "sqlite-library", c.id());

    assertThat(loaded.stdout()).as(loaded.stderr())
        .startsWith(f.runtime.runRoot().resolve("storage/cache").toString() + "/");
  }

  @Test
  void exitCode_ofAContainerThatEndsWhileNoJvmWatches_isRead() throws Exception {
    Container c = f.create("sh", "-c", "while [ ! -e /go ]; do sleep 0.05; done; exit 42");
    Path rootfs = c.mount();
    ChildJvm.Result started = ChildJvm.run(dir, DRIVER, RUNTIME, "start", c.id());
    assertThat(started.stdout()).as(started.stderr()).isEqualTo("RUNNING");

    Files.writeString(rootfs.resolve("go"), "");

    try (Runtime fresh = Fixture.open(dir, DRIVER, RUNTIME)) {
      assertThat(fresh.lookupContainer(c.id()).waitForExit()).isEqualTo(42);
    }
    c.unmount();
  }

  /** init saves CREATED after the runtime's create; start saves only RUNNING, after its start. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"init", "start"})
  void jvmKilledBetweenRuntimeCreateAndSave_nextOpenLeavesNothingBehind(String action)
      throws Exception {
    Container c = f.create("sh", "-c", "exit 4");

    ChildJvm.Result crashed = ChildJvm.run(dir, DRIVER, RUNTIME, action, c.id(),
        "-Dio.berth.internal.crashAt=after-runtime-create");
    assertThat(crashed.exitCode()).as(crashed.stderr()).isEqualTo(137);
    assertThat(processesMentioning(c.id())).as("conmon outlived the crash").isNotEmpty();

    try (Runtime reopened = Fixture.open(dir, DRIVER, RUNTIME)) {
      Container again = reopened.lookupContainer(c.id());
      assertThat(again.state()).isEqualTo(ContainerState.CONFIGURED);
      assertThat(processesMentioning(c.id())).as("conmon and the container are gone").isEmpty();
      assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
          .doesNotContain(reopened.root().toString() + "/storage");
      assertThat(reopened.runRoot().resolve("oci").resolve(c.id())).doesNotExist();

      again.start();
      assertThat(again.waitForExit()).isEqualTo(4);
    }
  }

  /** Pids of processes whose command line contains {@code text}. */
  static java.util.List<Long> processesMentioning(String text) throws Exception {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> {
            try {
              return new String(Files.readAllBytes(p.resolve("cmdline"))).contains(text);
            } catch (Exception e) {
              return false;
            }
          })
          .map(p -> Long.parseLong(p.getFileName().toString()))
          .toList();
    }
  }
}

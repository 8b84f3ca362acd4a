package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Create, start, exit codes, stop, pause and kill against real runc and crun through conmon. */
class LifecycleTest {
  @TempDir Path tmp;

  static Stream<Arguments> exitCodes() {
    return Stream.of("runc", "crun").flatMap(r -> Stream.of(0, 1, 42).map(c -> Arguments.of(r, c)));
  }

  @ParameterizedTest(name = "{0} exit {1}")
  @MethodSource("exitCodes")
  void awaitExit_processExitsWithCode_reportsThatCode(String runtime, int code) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "exit " + code);
      ContainerExit exit = h.awaitExit();
      assertThat(exit.exitCode()).isEqualTo(code);
      assertThat(exit.reason()).isEmpty();
      assertThat(exit.oomKilled()).isFalse();
      assertThat(exit.finishedAt())
          .isEqualTo(java.nio.file.Files.getLastModifiedTime(h.request().exitFile()).toInstant());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void kill_sigkill_exitCode137(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sleep", "1000");
      assertThat(t.runtime.state(h.id())).get().extracting(OciState::status)
          .isEqualTo(OciState.RUNNING);
      assertThat(h.awaitExit(Duration.ZERO)).isEmpty();
      t.runtime.kill(h.id(), Signals.SIGKILL, false);
      assertThat(h.awaitExit().exitCode()).isEqualTo(137);
      assertThat(t.runtime.state(h.id())).get().extracting(OciState::status)
          .isEqualTo(OciState.STOPPED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void create_beforeStart_stateCreatedWithPid(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.create("true");
      OciState state = t.runtime.state(h.id()).orElseThrow();
      assertThat(state.status()).isEqualTo(OciState.CREATED);
      assertThat(state.pid()).isEqualTo(h.created().pid());
      assertThat(state.bundle()).isEqualTo(h.bundle().dir());
      assertThat(h.created().process().isAlive()).isTrue();
      assertThat(h.created().conmon().isAlive()).isTrue();
      t.runtime.start(h.id());
      assertThat(h.awaitExit().exitCode()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void stop_processIgnoresSigterm_killedAfterTimeout(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "trap '' TERM; while :; do sleep 0.05; done");
      Duration timeout = Duration.ofMillis(1500);
      long start = System.nanoTime();
      ContainerExit exit = ContainerStop.stop(t.runtime, h.id(), Signals.SIGTERM, timeout,
          h.request().exitDir(), h.request().runDir(), h.created().conmon());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(exit.exitCode()).isEqualTo(137);
      assertThat(took).isGreaterThanOrEqualTo(timeout);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void stop_processHandlesSigterm_exitsWithItsOwnCode(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "trap 'exit 3' TERM; echo trapped; while :; do sleep 0.05; done");
      TestContainers.awaitLine(h, "trapped");
      ContainerExit exit = ContainerStop.stop(t.runtime, h.id(), Signals.SIGTERM,
          Duration.ofSeconds(20), h.request().exitDir(), h.request().runDir(),
          h.created().conmon());
      assertThat(exit.exitCode()).isEqualTo(3);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void stop_timeoutZero_killsWellUnderASecond(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "trap '' TERM; while :; do sleep 0.05; done");
      long start = System.nanoTime();
      ContainerExit exit = ContainerStop.stop(t.runtime, h.id(), Signals.SIGTERM, Duration.ZERO,
          h.request().exitDir(), h.request().runDir(), h.created().conmon());
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.println(runtime + " stop with timeout 0 took " + took.toMillis() + " ms");
      assertThat(exit.exitCode()).isEqualTo(137);
      assertThat(took).isLessThan(Duration.ofMillis(500));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void pause_thenResume_stateShowsPausedThenRunning(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sleep", "1000");
      t.runtime.pause(h.id());
      assertThat(t.runtime.state(h.id()).orElseThrow().status()).isEqualTo(OciState.PAUSED);
      assertThat(freezerState(h.created().pid())).isEqualTo("FROZEN");
      t.runtime.resume(h.id());
      assertThat(t.runtime.state(h.id()).orElseThrow().status()).isEqualTo(OciState.RUNNING);
      assertThat(freezerState(h.created().pid())).isEqualTo("THAWED");
    }
  }

  /** The v1 freezer state of the cgroup holding {@code pid}, read from the host. */
  private static String freezerState(int pid) throws Exception {
    for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", "" + pid, "cgroup"))) {
      String[] f = line.split(":", 3);
      if (f[1].equals("freezer")) {
        return java.nio.file.Files.readString(
            Path.of("/sys/fs/cgroup/freezer" + f[2], "freezer.state")).strip();
      }
    }
    throw new AssertionError("no freezer cgroup for pid " + pid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void delete_unknownId_isNotAnError(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      t.runtime.delete("never-created", true);
      t.runtime.delete("never-created", false);
      assertThat(t.runtime.state("never-created")).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void start_unknownId_throwsWithRuntimeMessage(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      assertThatThrownBy(() -> t.runtime.start("never-created"))
          .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
            assertThat(e.exitCode()).isNotZero();
            assertThat(e.stderrTail()).isNotBlank();
            assertThat(e.command()).contains("start", "never-created");
            assertThat(e.getMessage()).contains(e.stderrTail());
          });
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void create_commandMissingInRootfs_throwsRuntimeMessageAndLeavesNothing(String runtime)
      throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      assertThatThrownBy(() -> t.create("/no/such/binary"))
          .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
            assertThat(e.getMessage()).contains("/no/such/binary");
            assertThat(e.stderrTail()).containsIgnoringCase("no such file");
          });
      assertThat(t.dir.resolve("state")).isEmptyDirectory();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void version_andFeatures_comeFromTheBinary(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      String version = t.runtime.version();
      assertThat(version).startsWith(runtime + " version ");
      assertThat(t.runtime.name()).isEqualTo(runtime);
      // crun learned `features` in 1.9; older ones must fail with their own message.
      if (version.startsWith("crun version 1.8") || version.matches("crun version 1\\.[0-7]\\..*")) {
        assertThatThrownBy(t.runtime::features)
            .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
              assertThat(e.stderrTail()).contains("unknown command");
              assertThat(e.command()).contains("features");
            });
      } else {
        assertThat(t.runtime.features()).contains("\"ociVersionMin\"");
      }
    }
  }
}

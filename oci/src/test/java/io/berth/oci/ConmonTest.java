package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** conmon supervision: pipes, fds, death of conmon or of the JVM, missing binaries. */
class ConmonTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void await_conmonKilledWhileRunning_exitUnknownWithReason(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sleep", "1000");
      assertThat(h.created().conmon().signal(Signals.SIGKILL)).isTrue();
      ContainerExit exit = h.awaitExit();
      assertThat(exit.exitCode()).isEqualTo(ContainerExit.UNKNOWN);
      assertThat(exit.known()).isFalse();
      assertThat(exit.reason()).get().asString()
          .contains("conmon (pid " + h.created().conmonPid() + ")")
          .contains("without writing an exit file");
      assertThat(ExitFiles.read(h.request().exitDir(), h.request().runDir(), h.id())).isEmpty();
      // The container itself is still there; a forced delete must remove it.
      t.runtime.delete(h.id(), true);
      assertThat(t.runtime.state(h.id())).isEmpty();
      assertThat(h.created().process().awaitExit(TestContainers.WAIT)).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void stop_conmonAlreadyDead_killsContainerAndReportsUnknown(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "trap '' TERM; while :; do sleep 0.05; done");
      assertThat(h.created().conmon().signal(Signals.SIGKILL)).isTrue();
      assertThat(h.created().conmon().awaitExit(TestContainers.WAIT)).isTrue();
      Duration timeout = Duration.ofMillis(800);
      long start = System.nanoTime();
      ContainerExit exit = ContainerStop.stop(t.runtime, h.id(), Signals.SIGTERM, timeout,
          h.request().exitDir(), h.request().runDir(), h.created().conmon());
      // The SIGTERM grace period is still honoured without conmon.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
      assertThat(exit.exitCode()).isEqualTo(ContainerExit.UNKNOWN);
      assertThat(exit.reason()).get().asString().contains("conmon");
      assertThat(h.created().process().isAlive()).isFalse();
      assertThat(t.runtime.state(h.id()).orElseThrow().status()).isEqualTo(OciState.STOPPED);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void create_jvmHoldsFilesAndLocks_noneLeakIntoConmon(String runtime) throws Exception {
    Path marker = tmp.resolve("berth-leak-marker.lock");
    try (RandomAccessFile file = new RandomAccessFile(marker.toFile(), "rw");
        FileLock lock = file.getChannel().lock();
        TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sleep", "1000");
      assertThat(TestFiles.openFiles("" + h.created().conmonPid())).isNotEmpty()
          .noneMatch(s -> s.contains("berth-leak-marker"))
          .noneMatch(s -> s.endsWith(".jar"));
      // Our own JVM does hold it: the check above can fail.
      assertThat(TestFiles.openFiles("self")).anyMatch(s -> s.contains("berth-leak-marker"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void container_outlivesJvmThatStartedIt_exitCodeReadFromAnotherJvm(String runtime)
      throws Exception {
    Path dir = tmp.resolve("child");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ChildJvmStarter.class.getName(), runtime, dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      line = out.readLine();
      assertThat(line).as("child JVM output").startsWith("READY ");
      // SIGKILL: no shutdown hooks, no cleanup, exactly like a crash.
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);
    }
    String[] f = line.split(" ");
    String id = f[1];
    HostProcess conmon = new HostProcess(Integer.parseInt(f[2]), Long.parseLong(f[3]));
    Path exitDir = Path.of(f[4]);
    Path runDir = Path.of(f[5]);
    OciRuntime rt = OciRuntimes.cli(TestContainers.runtimeBinary(runtime), Path.of(f[6]),
        Conmon.locate());
    try {
      assertThat(conmon.isAlive()).isTrue();
      assertThat(rt.state(id).orElseThrow().status()).isEqualTo(OciState.RUNNING);
      rt.kill(id, Signals.SIGTERM, false);
      ContainerExit exit = ExitFiles.await(exitDir, runDir, id, conmon, TestContainers.WAIT)
          .orElseThrow();
      assertThat(exit.exitCode()).isEqualTo(7);
      assertThat(conmon.awaitExit(TestContainers.WAIT)).isTrue();
    } finally {
      rt.delete(id, true);
      conmon.signal(Signals.SIGKILL);
    }
  }

  @Test
  void runtime_binaryMissing_throwsWithPath() {
    Path missing = tmp.resolve("no-runc");
    assertThatThrownBy(() -> OciRuntimes.cli(missing, tmp.resolve("state"), Conmon.locate()))
        .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
          assertThat(e.getMessage()).contains(missing.toString()).contains("install");
          assertThat(e.command()).containsExactly(missing.toString());
        });
  }

  /** A runc stand-in that fails like a broken runtime: message on stderr, exit code 3. */
  private Path failingRuntime() throws Exception {
    Path script = tmp.resolve("broken-runtime");
    Files.writeString(script, "#!/bin/sh\necho \"broken-runtime: cannot do $*\" >&2\nexit 3\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void runtime_binaryFails_throwsWithItsExitCodeAndMessage() throws Exception {
    OciRuntime rt = OciRuntimes.cli(failingRuntime(), tmp.resolve("state"), Conmon.locate());
    assertThatThrownBy(() -> rt.start("some-id"))
        .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(3);
          assertThat(e.stderrTail()).contains("broken-runtime: cannot do").contains("start some-id");
          assertThat(e.getMessage()).contains("exit code 3").contains("broken-runtime:");
        });
    assertThatThrownBy(rt::version).isInstanceOf(OciRuntimeException.class)
        .hasMessageContaining("broken-runtime: cannot do --version");
  }

  @Test
  void create_runtimeFailsUnderConmon_messageComesThroughSyncPipe() throws Exception {
    OciRuntime rt = OciRuntimes.cli(failingRuntime(), tmp.resolve("state"), Conmon.locate());
    Path rootfs = TestContainers.rootfs(tmp.resolve("rootfs"));
    Bundle bundle = Bundle.write(tmp.resolve("bundle"),
        ContainerSettings.builder().rootfs(rootfs).command("true").build(), ImageDefaults.none());
    CreateRequest request = CreateRequest.builder().id("broken-1").bundle(bundle)
        .runDir(tmp.resolve("run")).exitDir(tmp.resolve("exits"))
        .logFile(tmp.resolve("ctr.log")).build();
    assertThatThrownBy(() -> rt.create(request))
        .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
          assertThat(e.getMessage()).contains("broken-runtime: cannot do").contains("create");
          assertThat(e.stderrTail()).contains("broken-runtime: cannot do");
        });
    // conmon gave up after reporting the failure.
    assertThat(Files.readString(request.conmonPidFile()).strip())
        .satisfies(pid -> assertThat(HostProcess.of(Integer.parseInt(pid))
            .map(p -> p.awaitExit(Duration.ofSeconds(30))).orElse(true)).isTrue());
  }

  @Test
  void conmon_missingBinary_saysHowToInstall() {
    assertThatThrownBy(() -> Conmon.at(tmp.resolve("no-conmon")))
        .isInstanceOf(ConmonNotFoundException.class)
        .hasMessageContaining("apt-get install conmon");
  }

  @Test
  void conmon_locate_findsInstalledBinaryAndVersion() {
    Conmon conmon = Conmon.locate();
    assertThat(conmon.binary()).isExecutable();
    assertThat(conmon.version()).startsWith("conmon version ");
  }
}

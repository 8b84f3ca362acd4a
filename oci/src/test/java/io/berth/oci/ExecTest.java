package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Processes run in a running container with {@code <runtime> exec}. */
class ExecTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private TestContainers t;

  @AfterEach
  void cleanUp() {
    if (t != null) {
      t.close();
    }
  }

  private TestContainers.Handle running(String runtime) throws Exception {
    t = new TestContainers(runtime, tmp);
    return t.run("sleep", "1000");
  }

  static Stream<Arguments> exitCodes() {
    return Stream.of("runc", "crun").flatMap(r -> Stream.of(
        Arguments.of(r, new String[] {"true"}, 0),
        Arguments.of(r, new String[] {"false"}, 1),
        Arguments.of(r, new String[] {"sh", "-c", "exit 42"}, 42),
        Arguments.of(r, new String[] {"/etc/passwd"}, 126),
        Arguments.of(r, new String[] {"/etc"}, 126),
        Arguments.of(r, new String[] {"no-such-command"}, 127),
        Arguments.of(r, new String[] {"/no/such/path"}, 127),
        Arguments.of(r, new String[] {"sh", "-c", "kill -9 $$"}, 137)));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("exitCodes")
  void exec_command_returnsItsExitCode(String runtime, String[] command, int expected)
      throws Exception {
    TestContainers.Handle h = running(runtime);
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder().command(command).build(), TIMEOUT);
    assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_output_capturedWithStreamsApart(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("sh", "-c", "echo to-out; echo to-err >&2; seq 1 20000 | wc -l").build(), TIMEOUT);
    assertThat(r.stdout()).isEqualTo("to-out\n20000\n");
    assertThat(r.stderr()).isEqualTo("to-err\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_asNamedUser_runsWithItsIdsAndGroups(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("sh", "-c", "id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status")
        .user("berth").build(), TIMEOUT);
    assertThat(r.stdout().lines()).containsExactly("1000", "1000", "1000 10", "/home/berth",
        "CapEff:\t0000000000000000");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_uidAndGid_numeric(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("sh", "-c", "id -u; id -g").user("4242:4343").build(), TIMEOUT);
    assertThat(r.stdout().lines()).containsExactly("4242", "4343");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_envAndWorkingDir_appliedOverContainerDefaults(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("sh", "-c", "pwd; echo $GREETING; echo $PATH")
        .env("GREETING", "hi there")
        .workingDir(ContainerPath.of("/tmp")).build(), TIMEOUT);
    assertThat(r.stdout().lines()).containsExactly("/tmp", "hi there",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_privileged_getsEveryCapability(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    String normal = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("grep", "CapEff", "/proc/self/status").build(), TIMEOUT).stdout().strip();
    String privileged = t.runtime.exec(h.id(), ExecRequest.builder()
        .command("grep", "CapEff", "/proc/self/status").privileged(true).build(), TIMEOUT)
        .stdout().strip();
    String host = java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("CapBnd")).findFirst().orElseThrow().substring(7).strip();
    // podman's default set: chown dac_override fowner fsetid kill setgid setuid setpcap
    // net_bind_service sys_chroot setfcap.
    assertThat(normal).isEqualTo("CapEff:\t00000000800405fb");
    assertThat(privileged).isEqualTo("CapEff:\t" + host);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_stdin_fedToProcess(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    InputStream in = new ByteArrayInputStream("abc\n".getBytes(StandardCharsets.UTF_8));
    ExecResult r = t.runtime.exec(h.id(), ExecRequest.builder().command("tr", "a-z", "A-Z")
        .stdin(in).build(), TIMEOUT);
    assertThat(r.stdout()).isEqualTo("ABC\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_longerThanTimeout_killedAndReported(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    assertThatThrownBy(() -> t.runtime.exec(h.id(), ExecRequest.builder()
        .command("sleep", "1000").build(), Duration.ofMillis(500)))
        .isInstanceOf(ExecTimeoutException.class)
        .hasMessageContaining("sleep");
    // Only the container's own sleep is left: the timed-out one was killed, not orphaned.
    ExecResult ps = t.runtime.exec(h.id(), ExecRequest.builder().command("ps", "-o", "args")
        .build(), TIMEOUT);
    assertThat(ps.stdout().lines().filter(l -> l.strip().equals("sleep 1000"))).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_stoppedContainer_throwsRuntimeError(String runtime) throws Exception {
    t = new TestContainers(runtime, tmp);
    TestContainers.Handle h = t.run("true");
    h.awaitExit();
    assertThatThrownBy(() -> t.runtime.exec(h.id(), ExecRequest.builder().command("true")
        .build(), TIMEOUT))
        .isInstanceOfSatisfying(OciRuntimeException.class, e -> {
          assertThat(e.exitCode()).isNotZero();
          assertThat(e.stderrTail()).isNotBlank();
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_missingWorkingDir_throwsRuntimeErrorNot127(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    assertThatThrownBy(() -> t.runtime.exec(h.id(), ExecRequest.builder().command("true")
        .workingDir(ContainerPath.of("/no/such/dir")).build(), TIMEOUT))
        .isInstanceOfSatisfying(OciRuntimeException.class,
            e -> assertThat(e.stderrTail()).contains("/no/such/dir"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void execStreaming_session_listedWithPidAndKillable(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    try (ExecProcess p = t.runtime.execStreaming(h.id(), ExecRequest.builder()
        .command("sh", "-c", "echo ready; exec sleep 1000").build())) {
      assertThat(new String(p.stdout().readNBytes(6), StandardCharsets.UTF_8))
          .isEqualTo("ready\n");
      int pid = p.pid();
      assertThat(HostProcess.of(pid)).isPresent();
      // The session's pid is a process inside the container: it shares the init's pid
      // namespace. (Its command line may still be sh's for a moment, until the exec.)
      assertThat(java.nio.file.Files.readSymbolicLink(Path.of("/proc", "" + pid, "ns", "pid")))
          .isEqualTo(java.nio.file.Files.readSymbolicLink(
              Path.of("/proc", "" + h.created().pid(), "ns", "pid")));
      assertThat(t.runtime.execSessions(h.id())).extracting(ExecProcess::id)
          .containsExactly(p.id());
      assertThat(p.waitFor(Duration.ZERO)).isEmpty();
      p.kill(Signals.SIGTERM);
      assertThat(p.waitFor(TIMEOUT)).isEqualTo(OptionalInt.of(143));
      assertThat(t.runtime.execSessions(h.id())).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void execStreaming_stdinAndStdout_interactive(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    try (ExecProcess p = t.runtime.execStreaming(h.id(), ExecRequest.builder()
        .command("sh", "-c", "read x; echo \"got $x\"; exit 9").build())) {
      p.stdin().write("ping\n".getBytes(StandardCharsets.UTF_8));
      p.stdin().close();
      assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("got ping\n");
      assertThat(p.waitFor()).isEqualTo(9);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void execStreaming_jvmHoldsFilesAndLocks_noneLeakIntoRuntime(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    Path marker = tmp.resolve("berth-leak-marker.lock");
    try (RandomAccessFile file = new RandomAccessFile(marker.toFile(), "rw");
        FileLock lock = file.getChannel().lock();
        ExecProcess p = t.runtime.execStreaming(h.id(), ExecRequest.builder()
            .command("sh", "-c", "echo ready; exec sleep 1000").build())) {
      assertThat(new String(p.stdout().readNBytes(6), StandardCharsets.UTF_8))
          .isEqualTo("ready\n");
      // The runtime's exec command is still running (it waits for sleep): our child.
      List<ProcessHandle> execs = ProcessHandle.current().children()
          .filter(c -> commandLine(c).contains(" exec ") && commandLine(c).contains(h.id()))
          .toList();
      assertThat(execs).hasSize(1);
      assertThat(TestFiles.openFiles("" + execs.get(0).pid())).isNotEmpty()
          .noneMatch(f -> f.contains("berth-leak-marker"))
          .noneMatch(f -> f.endsWith(".jar"));
      assertThat(TestFiles.openFiles("self")).anyMatch(f -> f.contains("berth-leak-marker"));
    }
  }

  private static String commandLine(ProcessHandle process) {
    try {
      return Files.readString(Path.of("/proc", "" + process.pid(), "cmdline"))
          .replace('\0', ' ');
    } catch (IOException e) {
      return ""; // exited meanwhile
    }
  }

  /**
   * crun hands our pipes to the exec'd process, so a background child that keeps stdout open
   * means no end-of-file ever, and only close() can end a blocked read. (runc copies exec stdio
   * through pipes of its own and lingers until their end-of-file; close() kills it.)
   */
  @Test
  void execStreaming_closedWhileBackgroundChildHoldsStdout_readerWoken() throws Exception {
    TestContainers.Handle h = running("crun");
    ExecProcess p = t.runtime.execStreaming(h.id(), ExecRequest.builder()
        .command("sh", "-c", "sleep 1000 & echo ready; exec sleep 1000").build());
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Object> reader = CompletableFuture.supplyAsync(() -> {
      try {
        byte[] chunk = new byte[64];
        while (p.stdout().read(chunk) >= 0) {
          started.countDown();
        }
        return "end of file";
      } catch (IOException e) {
        return e;
      }
    });
    try {
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      p.kill(Signals.SIGKILL);
      assertThat(p.waitFor(TIMEOUT)).isEqualTo(OptionalInt.of(137));
      // The background sleep keeps stdout open after the exec'd process died: no end-of-file.
      assertThat(reader).isNotDone();
    } finally {
      p.close();
    }
    assertThat(reader.get(30, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_tty_rejectedWithClearMessage(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    assertThatThrownBy(() -> t.runtime.exec(h.id(), ExecRequest.builder().command("true")
        .tty(true).build(), TIMEOUT))
        .isInstanceOf(OciException.class)
        .hasMessageContaining("tty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exec_unknownUser_rejected(String runtime) throws Exception {
    TestContainers.Handle h = running(runtime);
    assertThatThrownBy(() -> t.runtime.exec(h.id(), ExecRequest.builder().command("true")
        .user("nobody-here").build(), TIMEOUT))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("nobody-here");
  }
}

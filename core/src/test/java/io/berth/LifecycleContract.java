package io.berth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.oci.LogStream;
import io.berth.storage.ConfigChanges;
import io.berth.storage.Image;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container lifecycle through the public API, on real conmon, a real OCI runtime and a real
 * storage driver. Subclasses pick the driver and runtime, so every case runs on each.
 */
abstract class LifecycleContract {
  @TempDir Path dir;
  Fixture f;

  abstract String driver();

  abstract String ociRuntime();

  @BeforeEach
  void open() {
    f = new Fixture(dir, driver(), ociRuntime());
  }

  @AfterEach
  void close() {
    f.close();
  }

  // ---- the happy path, state by state ----

  @Test
  void lifecycle_fromConfiguredToExited_followsTheStates() {
    Container c = f.create("sh", "-c", "echo out; echo err >&2; exit 3");
    assertThat(c.state()).isEqualTo(ContainerState.CONFIGURED);
    assertThat(c.id()).matches("[0-9a-f]{64}");
    assertThat(c.name()).startsWith("berth-");

    c.init();
    assertThat(c.state()).isEqualTo(ContainerState.CREATED);
    assertThat(c.inspect(false).pid()).isPresent();

    c.start();
    assertThat(c.waitForExit()).isEqualTo(3);
    assertThat(c.state()).isEqualTo(ContainerState.STOPPED);
    ContainerInspect stopped = c.inspect(false);
    assertThat(stopped.exitCode()).hasValue(3);
    assertThat(stopped.startedAt()).isPresent();
    assertThat(stopped.finishedAt().orElseThrow()).isAfterOrEqualTo(stopped.startedAt().get());
    assertThat(c.logs()).extracting(l -> l.stream() + ":" + l.text())
        .containsExactlyInAnyOrder("STDOUT:out", "STDERR:err");

    c.cleanup();
    assertThat(c.state()).isEqualTo(ContainerState.EXITED);
    assertThat(c.inspect(false).exitCode()).hasValue(3);
  }

  @Test
  void waitForExit_exitCodes_areExact() {
    for (int code : new int[] {0, 1, 42}) {
      Container c = f.create("sh", "-c", "exit " + code);
      c.start();
      assertThat(c.waitForExit()).isEqualTo(code);
    }
    // Signals a pid-1 process sends itself are ignored in its namespace: kill from outside.
    Container killed = f.create("sleep", "1000");
    killed.start();
    killed.kill(9);
    assertThat(killed.waitForExit()).isEqualTo(137);
  }

  @Test
  void start_afterExit_runsAgainWithAFreshExitCode() {
    Container c = f.create("sh", "-c", "test -f /ran && exit 7; touch /ran; exit 5");
    c.start();
    assertThat(c.waitForExit()).isEqualTo(5);

    c.start();
    assertThat(c.waitForExit()).isEqualTo(7);
    c.cleanup();
    c.start();
    assertThat(c.waitForExit()).isEqualTo(7);
  }

  @Test
  void waitForExit_withTimeout_isEmptyWhileRunning() {
    Container c = f.create("sleep", "1000");
    c.start();

    assertThat(c.waitForExit(Duration.ofMillis(200))).isEmpty();
    c.stop(Duration.ZERO);
    assertThat(c.waitForExit(Duration.ofSeconds(5))).hasValue(137);
  }

  // ---- stop and kill ----

  @Test
  void stop_processIgnoringSigterm_isKilledAfterTheTimeout() {
    Container c = f.create(ContainerConfig.builder()
        .command("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done")
        .stopTimeout(Duration.ofSeconds(1)));
    c.start();
    awaitLog(c, "ready");

    long start = System.nanoTime();
    c.stop();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(c.state()).isEqualTo(ContainerState.STOPPED);
    assertThat(c.inspect(false).exitCode()).hasValue(137);
  }

  @Test
  void stop_processHonouringSigterm_exitsWithItsOwnCode() {
    Container c = f.create("sh", "-c", "trap 'exit 12' TERM; echo ready; while true; do sleep 0.1; done");
    c.start();
    awaitLog(c, "ready");

    c.stop(Duration.ofSeconds(30));

    assertThat(c.inspect(false).exitCode()).hasValue(12);
  }

  @Test
  void stop_timeoutZero_killsAtOnce() {
    Container c = f.create("sh", "-c", "trap '' TERM; while true; do sleep 1; done");
    c.start();

    long start = System.nanoTime();
    c.stop(Duration.ZERO);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(c.inspect(false).exitCode()).hasValue(137);
  }

  @Test
  void stop_whileWaiting_leavesTheContainerInspectable() throws Exception {
    Container c = f.create(ContainerConfig.builder()
        .command("sh", "-c", "trap '' TERM; echo ready; while true; do sleep 1; done")
        .stopTimeout(Duration.ofSeconds(3)));
    c.start();
    awaitLog(c, "ready");
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(c::stop);
    Container other = f.runtime.lookupContainer(c.id());

    ContainerState seen = awaitStateLeaves(other, ContainerState.RUNNING);

    assertThat(seen).isEqualTo(ContainerState.STOPPING);
    assertThat(stopping).as("still waiting on the stop timeout").isNotDone();
    stopping.get(30, TimeUnit.SECONDS);
    assertThat(other.state()).isEqualTo(ContainerState.STOPPED);
  }

  @Test
  void kill_runningContainer_deliversTheSignal() {
    Container c = f.create("sh", "-c", "trap 'exit 9' USR1; echo ready; while true; do sleep 0.1; done");
    c.start();
    awaitLog(c, "ready");

    c.kill(10);

    assertThat(c.waitForExit()).isEqualTo(9);
  }

  // ---- pause ----

  @Test
  void pause_runningContainer_freezesUntilUnpaused() {
    Container c = f.create("sleep", "1000");
    c.start();

    c.pause();
    assertThat(c.state()).isEqualTo(ContainerState.PAUSED);
    assertThatThrownBy(c::pause).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining("already paused");
    c.unpause();

    assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
    assertThat(c.exec(ExecConfig.of("true")).exitCode()).isZero();
  }

  // ---- exec ----

  @Test
  void exec_exitCodesAndOutput_areExact() {
    Container c = f.create("sleep", "1000");
    c.start();

    ExecResult echo = c.exec(ExecConfig.of("sh", "-c", "echo hello; echo oops >&2"));
    assertThat(echo).isEqualTo(new ExecResult(0, "hello\n", "oops\n"));
    assertThat(c.exec(ExecConfig.of("false")).exitCode()).isEqualTo(1);
    assertThat(c.exec(ExecConfig.of("/no/such/command")).exitCode()).isEqualTo(127);
    assertThat(c.exec(ExecConfig.of("/etc/passwd")).exitCode()).isEqualTo(126);
    assertThat(c.inspect(false).execSessions()).as("finished sessions are dropped").isEmpty();
  }

  @Test
  void exec_asAnotherUserWithEnvAndDir_runsThatWay() {
    Container c = f.create(ContainerConfig.builder().command("sleep", "1000").env("FROM", "ctr"));
    c.start();

    ExecResult r = c.exec(ExecConfig.builder()
        .command("sh", "-c", "id -u; id -G; echo $FROM $EXTRA; pwd")
        .user("berth").env("EXTRA", "exec").workingDir("/tmp").build());

    assertThat(r.stdout()).isEqualTo("1000\n1000 10\nctr exec\n/tmp\n");
  }

  @Test
  void exec_timeout_killsTheProcess() {
    Container c = f.create("sleep", "1000");
    c.start();

    assertThatThrownBy(() -> c.exec(ExecConfig.of("sleep", "1000"), Duration.ofMillis(300)))
        .isInstanceOf(ExecTimeoutException.class);
    assertThat(c.inspect(false).execSessions()).isEmpty();
  }

  // ---- names and lookup ----

  @Test
  void newContainer_sameNameTwice_isRefused() {
    f.create(ContainerConfig.builder().name("web").command("true"));

    assertThatThrownBy(() -> f.create(ContainerConfig.builder().name("web").command("true")))
        .isInstanceOf(ContainerExistsException.class).hasMessageContaining("web");
    assertThat(f.runtime.containers()).hasSize(1);
  }

  @Test
  void lookupContainer_byIdNameAndPrefix_findsIt() {
    Container c = f.create(ContainerConfig.builder().name("web").command("true"));

    assertThat(f.runtime.lookupContainer(c.id()).id()).isEqualTo(c.id());
    assertThat(f.runtime.lookupContainer("web").id()).isEqualTo(c.id());
    assertThat(f.runtime.lookupContainer(c.id().substring(0, 12)).id()).isEqualTo(c.id());
    assertThatThrownBy(() -> f.runtime.lookupContainer("nope"))
        .isInstanceOf(NoSuchContainerException.class).hasMessageContaining("nope");
  }

  @Test
  void lookupContainer_ambiguousPrefix_namesTheCandidates() {
    // 17 ids over 16 hex digits: two must share their first character.
    for (int i = 0; i < 17; i++) {
      f.create("true");
    }
    String prefix = f.runtime.containers().stream().map(c -> c.id().substring(0, 1))
        .collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()))
        .entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow().getKey();

    assertThatThrownBy(() -> f.runtime.lookupContainer(prefix))
        .isInstanceOf(AmbiguousContainerException.class)
        .satisfies(e -> assertThat(((AmbiguousContainerException) e).candidates())
            .allMatch(id -> id.startsWith(prefix)).hasSizeGreaterThan(1));
  }

  @Test
  void containers_withFilter_returnsMatchesInCreationOrder() {
    Container a = f.create(ContainerConfig.builder().name("a").command("true").label("tier", "web"));
    f.create(ContainerConfig.builder().name("b").command("true"));
    Container c = f.create(ContainerConfig.builder().name("c").command("true").label("tier", "web"));

    assertThat(f.runtime.containers(x -> "web".equals(x.config().labels().get("tier"))))
        .extracting(Container::id).containsExactly(a.id(), c.id());
  }

  // ---- operations refused in the wrong state ----

  @Test
  void operations_inForbiddenStates_throwNamingTheState() {
    Container c = f.create("sleep", "1000");
    assertThatThrownBy(c::pause).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining(c.id()).hasMessageContaining("CONFIGURED");
    assertThatThrownBy(() -> c.kill(15)).isInstanceOf(ContainerStateException.class);
    assertThatThrownBy(c::stop).isInstanceOf(ContainerStateException.class);
    assertThatThrownBy(() -> c.exec(ExecConfig.of("true")))
        .isInstanceOf(ContainerStateException.class);

    c.init();
    assertThatThrownBy(c::init).isInstanceOf(ContainerExistsException.class)
        .hasMessageContaining("already been created");
    assertThatThrownBy(c::pause).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining("CREATED");

    c.start();
    assertThatThrownBy(c::start).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining("RUNNING");
    assertThatThrownBy(c::unpause).isInstanceOf(ContainerStateException.class);
    assertThatThrownBy(c::cleanup).isInstanceOf(ContainerStateException.class);
    assertThatThrownBy(c::unmount).isInstanceOf(ContainerStateException.class);
    assertThatThrownBy(() -> f.runtime.removeContainer(c, false))
        .isInstanceOf(ContainerStateException.class).hasMessageContaining("force");

    c.pause();
    assertThatThrownBy(c::stop).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining("PAUSED");
    c.unpause();

    c.stop(Duration.ZERO);
    assertThatThrownBy(() -> c.kill(9)).isInstanceOf(ContainerStateException.class)
        .hasMessageContaining("STOPPED");
    assertThatThrownBy(c::pause).isInstanceOf(ContainerStateException.class);
  }

  // ---- removal ----

  @Test
  void removeContainer_running_withForceKillsAndFreesEverything() throws Exception {
    Container c = f.create("sleep", "1000");
    c.start();
    int pid = c.inspect(false).pid().getAsInt();

    f.runtime.removeContainer(c, true);

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
        java.util.Optional.of(true));
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(c.id());
    assertThat(f.runtime.findContainer(c.id())).isEmpty();
    assertThat(f.runtime.root().resolve("containers").resolve(c.id())).doesNotExist();
    assertThat(f.runtime.runRoot().resolve("oci").resolve(c.id())).doesNotExist();
    assertThatThrownBy(c::state).isInstanceOf(ContainerRemovedException.class);
  }

  @Test
  void removedHandle_everyCall_throwsContainerRemoved() {
    Container c = f.create("true");
    Container other = f.runtime.lookupContainer(c.id());
    f.runtime.removeContainer(c, false);

    List<Runnable> calls = List.of(other::state, other::init, other::start, other::stop,
        () -> other.kill(9), other::pause, other::unpause, other::mount, other::unmount,
        () -> other.inspect(false), other::cleanup, () -> other.exec(ExecConfig.of("true")),
        () -> other.addArtifact("a", new byte[0]), () -> other.artifact("a"),
        () -> other.export(new ByteArrayOutputStream()), () -> other.batch(x -> null),
        () -> other.commit(CommitOptions.builder().build()), other::logs,
        () -> f.runtime.removeContainer(other, true));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(ContainerRemovedException.class)
          .hasMessageContaining(c.id());
    }
  }

  @Test
  void waitForExit_racingRemoval_stillGetsTheExitCode() {
    Container c = f.create("sh", "-c", "exit 33");
    Container waiter = f.runtime.lookupContainer(c.id());
    c.start();
    c.waitForExit();
    f.runtime.removeContainer(c, false);

    assertThat(waiter.waitForExit()).isEqualTo(33);
  }

  // ---- filesystem: mount, export, commit, artifacts ----

  @Test
  void mount_twiceUnmountOnce_staysMountedAndShowsTheImage() throws Exception {
    Container c = f.create("true");
    Path first = c.mount();
    Path second = c.mount();
    assertThat(second).isEqualTo(first);

    c.unmount();
    assertThat(first.resolve("etc/passwd")).exists();
    c.unmount();
    assertThat(c.inspect(false).mountpoint()).isEmpty();
  }

  @Test
  void export_thenImport_givesTheSameTree() throws Exception {
    Container c = f.create("sh", "-c", "echo changed > /etc/motd; mkdir -p /data; ln -s /etc/motd /data/link");
    c.start();
    assertThat(c.waitForExit()).isZero();
    Path tar = dir.resolve("export.tar");

    c.export(tar);
    Image imported = f.runtime.images().importRootfs(tar, "localhost/exported:1");
    Container check = f.runtime.newContainer(ContainerConfig.builder().image(imported.id())
        .command("sh", "-c", "cat /data/link; readlink /data/link").build());
    check.start();

    assertThat(check.waitForExit()).isZero();
    assertThat(check.logs()).extracting(l -> l.text()).containsExactly("changed", "/etc/motd");
  }

  @Test
  void commit_changedContainer_givesARunnableImageWithTheChange() {
    Container c = f.create(ContainerConfig.builder().command("sh", "-c",
        "echo v2 > /version; rm /etc/hostname; echo ready; sleep 1000"));
    c.start();
    awaitLog(c, "ready");

    Image image = c.commit(CommitOptions.builder().reference("localhost/committed:1")
        .author("tester").message("add /version")
        .changes(ConfigChanges.builder().cmd(List.of("cat", "/version")).build()).build());

    assertThat(c.state()).as("unpaused after the commit").isEqualTo(ContainerState.RUNNING);
    assertThat(image.names()).contains("localhost/committed:1");
    assertThat(image.config().cmd()).containsExactly("cat", "/version");
    Container run = f.runtime.newContainer(ContainerConfig.builder()
        .image("localhost/committed:1").build());
    run.start();
    assertThat(run.waitForExit()).isZero();
    assertThat(run.logs()).extracting(l -> l.text()).containsExactly("v2");
    Container gone = f.runtime.newContainer(ContainerConfig.builder()
        .image("localhost/committed:1").command("test", "-e", "/etc/hostname").build());
    gone.start();
    assertThat(gone.waitForExit()).as("the deletion was committed too").isEqualTo(1);
  }

  @Test
  void artifacts_addReadRemove_andNamesThatEscapeAreRefused() {
    Container c = f.create("true");
    c.addArtifact("notes", "hello".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(c.artifact("notes"), StandardCharsets.UTF_8)).isEqualTo("hello");
    c.removeArtifact("notes");
    assertThatThrownBy(() -> c.artifact("notes")).isInstanceOf(NoSuchArtifactException.class);
    for (String bad : List.of("../escape", "..", ".", "a/b", "")) {
      assertThatThrownBy(() -> c.addArtifact(bad, new byte[1]))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(dir.resolve("root/containers/escape")).doesNotExist();
  }

  @Test
  void inspect_withSize_reportsTheWritableLayer() {
    Container c = f.create("sh", "-c", "dd if=/dev/zero of=/blob bs=1024 count=512");
    c.start();
    c.waitForExit();

    ContainerInspect inspect = c.inspect(true);

    assertThat(inspect.rootfsSize().getAsLong()).isGreaterThanOrEqualTo(512 * 1024);
    assertThat(inspect.imageId()).isEqualTo(f.busybox.id());
    assertThat(inspect.image()).isEqualTo(Fixture.IMAGE);
    assertThat(inspect.storageDriver()).isEqualTo(driver());
    assertThat(inspect.ociRuntime()).isEqualTo(ociRuntime());
    assertThat(inspect.logPath()).exists();
  }

  // ---- attach ----

  @Test
  void startAndAttach_shortLivedContainer_losesNoOutput() throws Exception {
    Container c = f.create("sh", "-c", "echo one; echo two >&2; echo three");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    try (Attachment a = c.startAndAttach(AttachOptions.builder().stdout(out).stderr(err).build())) {
      assertThat(a.await(Duration.ofSeconds(30))).isTrue();
      assertThat(a.detached()).isFalse();
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("one\nthree\n");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("two\n");
    assertThat(c.waitForExit()).isZero();
  }

  @Test
  void attach_withStdin_sendsInputToTheContainer() throws Exception {
    Container c = f.create(ContainerConfig.builder().stdin(true)
        .command("sh", "-c", "read line; echo got:$line"));
    c.init();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Attachment a = c.attach(AttachOptions.builder()
        .stdin(new java.io.ByteArrayInputStream("hi\n".getBytes(StandardCharsets.UTF_8)))
        .stdout(out).build())) {
      c.start();
      assertThat(a.await(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("got:hi\n");
  }

  // ---- helpers ----

  /** Waits for a line on the container's stdout, woken by conmon's log as it grows. */
  static void awaitLog(Container c, String line) {
    java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
    try (var follower = io.berth.oci.ContainerLogs.follow(c.inspect(false).logPath(), l -> {
      if (l.stream() == LogStream.STDOUT && l.text().equals(line)) {
        seen.countDown();
      }
    })) {
      if (!seen.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("no '" + line + "' in the log of " + c.id() + " within 30 s");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads the state until it is no longer {@code from}; each read must not block on a stop. */
  static ContainerState awaitStateLeaves(Container c, ContainerState from) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    ContainerState s;
    while ((s = c.state()) == from && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return s;
  }
}

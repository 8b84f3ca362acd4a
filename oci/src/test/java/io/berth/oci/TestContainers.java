package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Creates real containers for tests: one busybox rootfs, a runtime with its own state root,
 * unique ids, and cleanup that deletes every container and kills every conmon it started.
 * One instance per test; not thread-safe.
 */
final class TestContainers implements AutoCloseable {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  static final Duration WAIT = Duration.ofSeconds(30);

  final Path dir;
  final OciRuntime runtime;
  final Path rootfs;
  private final List<Handle> handles = new ArrayList<>();

  /** A created container and the paths it uses. */
  record Handle(String id, Bundle bundle, CreateRequest request, CreatedContainer created) {
    Optional<ContainerExit> awaitExit(Duration timeout) {
      return ExitFiles.await(request.exitDir(), request.runDir(), id, created.conmon(), timeout);
    }

    ContainerExit awaitExit() {
      return awaitExit(WAIT).orElseThrow(() -> new AssertionError(
          "container " + id + " did not exit within " + WAIT));
    }
  }

  TestContainers(String runtimeName, Path dir) throws IOException {
    this.dir = dir;
    this.runtime = OciRuntimes.cli(runtimeBinary(runtimeName), dir.resolve("state"),
        Conmon.locate());
    this.rootfs = rootfs(dir.resolve("rootfs"));
  }

  /** The runtime binary; fails with a reason (never skips silently) if it is missing. */
  static Path runtimeBinary(String name) {
    return OciRuntimes.find(name).orElseThrow(() -> new AssertionError(name
        + " is not installed on PATH; run `bash .ci/run` or `apt-get install " + name + "`"));
  }

  static Path rootfs(Path target) throws IOException {
    return BusyboxImage.standard().writeRootfs(target);
  }

  String newId() {
    return "berth-test-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  ContainerSettings.Builder settings(String... command) {
    return ContainerSettings.builder().rootfs(rootfs).command(command);
  }

  Handle create(String... command) {
    return create(settings(command).build());
  }

  Handle create(ContainerSettings settings) {
    return create(settings, UnaryOperator.identity());
  }

  Handle create(ContainerSettings settings, UnaryOperator<CreateRequest.Builder> request) {
    String id = newId();
    Path containerDir = dir.resolve("containers").resolve(id);
    Bundle bundle = Bundle.write(containerDir.resolve("bundle"), settings, ImageDefaults.none());
    CreateRequest req = request.apply(CreateRequest.builder()
        .id(id)
        .bundle(bundle)
        .runDir(containerDir.resolve("run"))
        .exitDir(dir.resolve("exits"))
        .logFile(containerDir.resolve("ctr.log"))).build();
    CreatedContainer created = runtime.create(req);
    Handle h = new Handle(id, bundle, req, created);
    handles.add(h);
    return h;
  }

  Handle run(String... command) {
    Handle h = create(command);
    runtime.start(h.id());
    return h;
  }

  /**
   * Waits until the container has written {@code line} to stdout, woken by its log growing.
   * Tests that install a signal trap print a line after it, so no signal can beat the trap.
   */
  static void awaitLine(Handle h, String line) {
    java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
    try (LogFollower follower = ContainerLogs.follow(h.request().logFile(), l -> {
      if (l.stream() == LogStream.STDOUT && l.text().equals(line)) {
        seen.countDown();
      }
    })) {
      if (!seen.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError("container " + h.id() + " did not print '" + line + "'");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Deletes every container and kills every conmon, even after a failed test. */
  @Override
  public void close() {
    List<Throwable> errors = new ArrayList<>();
    for (Handle h : handles) {
      try {
        runtime.delete(h.id(), true);
      } catch (RuntimeException e) {
        errors.add(e);
      }
      h.created().conmon().signal(Signals.SIGKILL);
      h.created().conmon().awaitExit(Duration.ofSeconds(10));
      assertThat(h.created().conmon().isAlive()).as("conmon of %s", h.id()).isFalse();
    }
    if (!errors.isEmpty()) {
      AssertionError e = new AssertionError("cleanup failed");
      errors.forEach(e::addSuppressed);
      throw e;
    }
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.berth.bench;

import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the workloads share, made on first use and torn down once at the end in reverse
 * order: the workspace, the busybox tar, the Berth roots, the raw runtimes, podman, the big
 * image. Also torn down by a shutdown hook if the JVM is interrupted (Ctrl-C), so no container,
 * mount or podman image outlives the bench. Used from the bench's main thread.
 */
final class Fixtures implements AutoCloseable {
  final Effort effort;
  final Report report;
  final PrintStream out;
  final Workspace ws;
  final Cmd cmd;

  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private final Map<String, BerthRoot> berth = new HashMap<>();
  private final Map<String, RawRuntime> raw = new HashMap<>();
  private final Thread hook = new Thread(this::closeQuietly, "berth-bench-cleanup");
  private Path busyboxTar;
  private RawRuntime.Bundles bundles;
  private Podman podman;
  private BigImage big;
  private boolean closed;

  Fixtures(BenchOptions options, Report report, PrintStream out) throws IOException {
    this.effort = options.effort();
    this.report = report;
    this.out = out;
    this.ws = new Workspace(options.workDir());
    this.cmd = ws.cmd(Map.of());
    java.lang.Runtime.getRuntime().addShutdownHook(hook);
  }

  Path busyboxTar() {
    if (busyboxTar == null) {
      try {
        busyboxTar = BusyboxImage.standard().writeRootfsTar(ws.root().resolve("busybox.tar"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return busyboxTar;
  }

  /** The Berth root driving {@code ociRuntime} (runc or crun). */
  BerthRoot berth(String ociRuntime) {
    return berth.computeIfAbsent(ociRuntime, oci -> closeLater(
        new BerthRoot(ws.dir("berth-" + oci), oci, busyboxTar(), report)));
  }

  RawRuntime raw(String ociRuntime) {
    return raw.computeIfAbsent(ociRuntime, oci -> closeLater(
        new RawRuntime(oci, ws.dir("raw-state-" + oci), bundles(), ws)));
  }

  private RawRuntime.Bundles bundles() {
    if (bundles == null) {
      try {
        bundles = RawRuntime.Bundles.prepare(ws.dir("raw-bundles"), berth("runc"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return bundles;
  }

  /** podman on a private store, with the busybox tar imported as {@link BerthRoot#IMAGE}. */
  Podman podman() {
    if (podman == null) {
      try {
        podman = closeLater(new Podman(ws));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      podman.run("import", "--quiet", busyboxTar().toString(), BerthRoot.IMAGE);
      report.note(podman.settings());
    }
    return podman;
  }

  BigImage big() {
    if (big == null) {
      try {
        out.printf("  generating a %d MB layer of mixed file sizes ...%n",
            effort.layerBytes() / 1_000_000);
        big = BigImage.create(ws, berth("runc"), effort.layerBytes());
        out.printf("  layer: %.1f MB, %d generated files plus busybox%n", big.bytes() / Row.MB,
            big.files());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return big;
  }

  /** Flushes dirty pages, so an I/O workload does not pay for the writeback of the one before. */
  void sync() {
    cmd.run("sync");
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    toClose.push(resource);
    return resource;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      java.lang.Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
    RuntimeException first = null;
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        System.err.println("bench: cleanup step failed: " + e.getMessage());
        if (first == null) {
          first = e instanceof RuntimeException re ? re : new BenchException(e.toString(), e);
        }
      }
    }
    ws.close();
    if (first != null) {
      throw first;
    }
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException | RuntimeException e) {
      System.err.println("bench: cleanup after interruption failed: " + e.getMessage());
    }
  }
}

package io.berth.bench;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.ContainerRemovedException;
import io.berth.Runtime;
import io.berth.storage.Image;
import java.nio.file.Path;

/**
 * A Berth runtime on a private root inside the workspace, on overlay and the given OCI runtime,
 * with the busybox image imported. Closing it removes every container it holds (force) and
 * closes the runtime; the workspace deletes the files.
 */
final class BerthRoot implements AutoCloseable {
  static final String IMAGE = "localhost/busybox:bench";

  final String ociRuntime;
  final Runtime runtime;
  final Image busybox;
  private final Report report;

  BerthRoot(Path dir, String ociRuntime, Path busyboxTar, Report report) {
    this.ociRuntime = ociRuntime;
    this.report = report;
    this.runtime = open(dir, ociRuntime);
    try {
      this.busybox = runtime.images().importRootfs(busyboxTar, IMAGE);
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  static Runtime open(Path dir, String ociRuntime) {
    return Runtime.builder()
        .root(dir.resolve("root"))
        .runRoot(dir.resolve("run"))
        .storageDriver("overlay")
        .ociRuntime(ociRuntime)
        .build();
  }

  /** "Berth (overlay+runc)": how rows name this root. */
  String label() {
    return "Berth overlay+" + ociRuntime;
  }

  Container create(String... command) {
    return runtime.newContainer(ContainerConfig.builder().image(busybox.id()).command(command)
        .build());
  }

  /**
   * One full lifecycle of {@code /bin/true}, as a user writes it: create, start, wait, remove.
   * An exit code other than 0 is Berth's mistake: it is reported as an anomaly, with the reason
   * Berth gives, and the run goes on.
   *
   * @return the nanoseconds of each of the four steps, in that order
   */
  long[] lifecycle() {
    long t0 = System.nanoTime();
    Container c = create("/bin/true");
    long t1 = System.nanoTime();
    c.start();
    long t2 = System.nanoTime();
    int code = c.waitForExit();
    long t3 = System.nanoTime();
    if (code != 0) {
      report.anomaly(label() + ": waitForExit() of /bin/true returned " + code + " (state "
          + c.state() + ", reason: " + c.inspect(false).stateReason().orElse("none") + ")");
    }
    runtime.removeContainer(c, false);
    long t4 = System.nanoTime();
    return new long[] {t1 - t0, t2 - t1, t3 - t2, t4 - t3};
  }

  @Override
  public void close() {
    try {
      for (Container c : runtime.containers()) {
        try {
          runtime.removeContainer(c, true);
        } catch (ContainerRemovedException gone) {
          // removed meanwhile
        }
      }
    } finally {
      runtime.close();
    }
  }
}

package io.berth;

import io.berth.storage.Image;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A runtime on a private root and run root, with the testkit's busybox imported. */
final class Fixture implements AutoCloseable {
  static final String IMAGE = "localhost/busybox:test";

  final Path dir;
  final Runtime runtime;
  final Image busybox;

  Fixture(Path dir, String driver, String ociRuntime) {
    this(dir, driver, ociRuntime, BusyboxImage.standard());
  }

  Fixture(Path dir, String driver, String ociRuntime, BusyboxImage image) {
    this.dir = dir;
    this.runtime = open(dir, driver, ociRuntime);
    try {
      this.busybox = runtime.images().importRootfs(
          image.writeRootfsTar(dir.resolve("busybox.tar")), IMAGE);
    } catch (IOException e) {
      runtime.close();
      throw new UncheckedIOException(e);
    }
  }

  static Runtime open(Path dir, String driver, String ociRuntime) {
    return Runtime.builder()
        .root(dir.resolve("root"))
        .runRoot(dir.resolve("run"))
        .storageDriver(driver)
        .ociRuntime(ociRuntime)
        .build();
  }

  Container create(String... command) {
    return runtime.newContainer(ContainerConfig.builder().image(IMAGE).command(command).build());
  }

  Container create(ContainerConfig.Builder config) {
    return runtime.newContainer(config.image(IMAGE).build());
  }

  private boolean runtimeClosed;

  /** Closes the runtime only (containers keep running), as a JVM that exits would. */
  void closeRuntime() {
    runtime.close();
    runtimeClosed = true;
  }

  /**
   * Removes every container (force), so no conmon, mount or runtime entry outlives a test; after
   * {@link #closeRuntime()}, opens the root once more to do it.
   */
  @Override
  public void close() {
    if (runtimeClosed) {
      try (Runtime again = Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
          .build()) {
        for (Container c : again.containers()) {
          again.removeContainer(c, true);
        }
      }
      return;
    }
    try {
      for (Container c : runtime.containers()) {
        try {
          runtime.removeContainer(c, true);
        } catch (ContainerRemovedException alreadyGone) {
          // removed by the test itself
        }
      }
    } finally {
      runtime.close();
    }
  }
}

package io.berth.faults;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.storage.Image;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** A private Berth root for one fault test, with busybox imported and helpers to inspect the host. */
final class TestRoot implements AutoCloseable {
  static final String IMAGE = "localhost/busybox:faults";

  final Path dir;
  Runtime runtime;

  TestRoot(Path dir) {
    this.dir = dir;
    this.runtime = open();
    try {
      Image image = runtime.images().importRootfs(
          BusyboxImage.standard().writeRootfsTar(dir.resolve("busybox.tar")), IMAGE);
      assert image != null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Runtime open() {
    return Runtime.builder().root(dir.resolve("root")).runRoot(dir.resolve("run"))
        .ociRuntime("runc").storageDriver("overlay").build();
  }

  Runtime reopen() {
    runtime.close();
    runtime = open();
    return runtime;
  }

  Container create(String... command) {
    return runtime.newContainer(ContainerConfig.builder().image(IMAGE).command(command).build());
  }

  /** Proves the store still works: a fresh container runs and exits 0. */
  void assertStillWorks() {
    Container c = create("sh", "-c", "echo ok");
    c.start();
    int code = c.waitForExit();
    if (code != 0) {
      throw new AssertionError("a fresh container exited " + code + " after the fault");
    }
    runtime.removeContainer(c, false);
  }

  @Override
  public void close() {
    try (Runtime r = runtime) {
      for (Container c : r.containers()) {
        r.removeContainer(c, true);
      }
    }
  }

  /** Pids of live processes whose command line contains {@code text}. */
  static List<Long> processesMentioning(String text) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(x -> x.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")),
              StandardCharsets.UTF_8);
          String stat = Files.readString(p.resolve("stat"));
          boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
          if (cmdline.contains(text) && !zombie) {
            pids.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    }
    return pids;
  }

  /** True if {@code pid} exists and is not a zombie (dead, but not yet reaped by its parent). */
  static boolean isRunning(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException gone) {
      return false;
    }
  }

  /** Mount points under {@code prefix}, from this process's mount table. */
  static List<String> mountsUnder(Path prefix) throws IOException {
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.startsWith(prefix.toString())) {
        mounts.add(point);
      }
    }
    return mounts;
  }

  static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }
}

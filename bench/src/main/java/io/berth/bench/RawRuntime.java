package io.berth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.Container;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * runc or crun driven directly, on prepared bundles: the floor no engine can go below. The
 * bundles carry the very runtime spec Berth generates for the same container (namespaces,
 * mounts, capabilities, rlimits), on a plain directory of the same busybox rootfs, so the only
 * difference left is what Berth does around the runtime.
 *
 * <p>Thread-safe: container ids are unique per call.
 */
final class RawRuntime implements AutoCloseable {
  private final String binary;
  private final Path state;
  private final Bundles bundles;
  private final Cmd cmd;
  private final AtomicInteger ids = new AtomicInteger();
  private final List<String> detached = new ArrayList<>();

  /** Two bundles on one rootfs: one runs {@code /bin/true}, one sleeps for exec. */
  record Bundles(Path runTrue, Path sleep) {
    /** Copies the spec of a Berth container, initialised but not started, into two bundles. */
    static Bundles prepare(Path dir, BerthRoot berth) throws IOException {
      Path rootfs = BusyboxImage.standard().writeRootfs(dir.resolve("rootfs"));
      Container c = berth.create("/bin/true");
      ObjectNode spec;
      try {
        c.init();
        Path config = c.inspect(false).bundlePath().resolve("config.json");
        spec = (ObjectNode) new ObjectMapper().readTree(config.toFile());
      } finally {
        berth.runtime.removeContainer(c, true);
      }
      ((ObjectNode) spec.get("root")).put("path", rootfs.toString());
      // Each raw container gets its own cgroup under the runtime's default parent, as with
      // Berth; a fixed path would clash between parallel runs.
      ((ObjectNode) spec.get("linux")).remove("cgroupsPath");
      spec.remove("annotations");
      return new Bundles(write(dir.resolve("true"), spec, "/bin/true"),
          write(dir.resolve("sleep"), spec, "/bin/sleep", "1000000"));
    }

    private static Path write(Path bundle, ObjectNode spec, String... args) throws IOException {
      ObjectNode copy = spec.deepCopy();
      ArrayNode argv = ((ObjectNode) copy.get("process")).putArray("args");
      for (String a : args) {
        argv.add(a);
      }
      Files.createDirectories(bundle);
      new ObjectMapper().writeValue(bundle.resolve("config.json").toFile(), copy);
      return bundle;
    }
  }

  RawRuntime(String binary, Path state, Bundles bundles, Workspace ws) {
    this.binary = binary;
    this.state = state;
    this.bundles = bundles;
    this.cmd = ws.cmd(Map.of());
  }

  String name() {
    return binary;
  }

  /** {@code <runtime> run} of {@code /bin/true} in the foreground: create, start, wait, delete. */
  void run() {
    cmd.run(binary, "--root", state.toString(), "run", "--bundle", bundles.runTrue().toString(),
        "bench-" + binary + "-" + ids.incrementAndGet());
  }

  /**
   * The steps an engine with a supervisor takes, by hand and without one: {@code create},
   * {@code start}, wait for the process, {@code delete}. The container's stdout is a pipe to
   * us; it reaches end-of-file when {@code /bin/true} has exited, which is the wait.
   */
  void createStartDelete() throws IOException, InterruptedException {
    String id = "bench-" + binary + "-" + ids.incrementAndGet();
    Process create = new ProcessBuilder(binary, "--root", state.toString(), "create",
        "--bundle", bundles.runTrue().toString(), id)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try (java.io.InputStream containerStdout = create.getInputStream()) {
      if (create.waitFor() != 0) {
        throw new BenchException(binary + " create " + id + " exited with "
            + create.exitValue());
      }
      cmd.run(binary, "--root", state.toString(), "start", id);
      containerStdout.transferTo(java.io.OutputStream.nullOutputStream());
    }
    // --force: end-of-file can come a moment before the process is reaped.
    cmd.run(binary, "--root", state.toString(), "delete", "--force", id);
  }

  /** Starts a sleeping container in the background and returns its id. */
  synchronized String startSleeper() {
    String id = "bench-" + binary + "-sleep-" + ids.incrementAndGet();
    cmd.run(binary, "--root", state.toString(), "run", "--detach", "--bundle",
        bundles.sleep().toString(), id);
    detached.add(id);
    return id;
  }

  /** {@code <runtime> exec <id> /bin/true}. */
  void exec(String id) {
    cmd.run(binary, "--root", state.toString(), "exec", id, "/bin/true");
  }

  @Override
  public synchronized void close() {
    for (String id : detached) {
      cmd.run(binary, "--root", state.toString(), "delete", "--force", id);
    }
    detached.clear();
  }
}

package io.berth.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference tools (podman, skopeo, umoci) as independent checks. podman always runs
 * on its own storage under the test's temp dir (vfs driver: no mounts to leak), so the tests
 * neither see nor change the host's images.
 */
final class Tools {
  private final Path podmanRoot;
  private final Path podmanRunRoot;
  private final Path podmanTmp;

  Tools(Path dir) throws IOException {
    this.podmanRoot = Files.createDirectories(dir.resolve("podman-root"));
    this.podmanRunRoot = Files.createDirectories(dir.resolve("podman-run"));
    this.podmanTmp = Files.createDirectories(dir.resolve("podman-tmp"));
  }

  /** The output of a command that must succeed. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(command + " failed with exit code " + p.exitValue() + ":\n"
          + text);
    }
    return text;
  }

  String podman(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("podman", "--root", podmanRoot.toString(),
        "--runroot", podmanRunRoot.toString(), "--tmpdir", podmanTmp.toString(),
        "--storage-driver", "vfs", "--events-backend", "none", "--cgroup-manager", "cgroupfs"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Removes every image and container from the test's own podman storage. */
  void cleanPodman() throws IOException, InterruptedException {
    podman("rm", "--all", "--force");
    podman("rmi", "--all", "--force");
  }

  static String skopeo(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** {@code umoci unpack} of {@code layout:ref} into {@code bundle}; returns its rootfs. */
  static Path umociUnpack(Path layout, String ref, Path bundle)
      throws IOException, InterruptedException {
    run(List.of("umoci", "unpack", "--image", layout + ":" + ref, bundle.toString()));
    return bundle.resolve("rootfs");
  }
}

package io.berth.examples;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks, before an example touches anything, that this host can run containers: Linux, root,
 * an OCI runtime, conmon and a static busybox. Each missing piece is named with the command
 * that installs it, so a new user sees what to do instead of a stack trace.
 */
final class Preflight {
  private static final List<String> CONMON_DIRS =
      List.of("/usr/libexec/podman", "/usr/lib/podman", "/usr/local/libexec/podman");

  private Preflight() {}

  /** Returns the problems found, empty when the host is ready. */
  static List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
      problems.add("Berth runs containers on Linux only; this is " + System.getProperty("os.name"));
      return problems;
    }
    if (!"root".equals(System.getProperty("user.name"))) {
      problems.add("run as root for now (rootless containers are not supported yet)");
    }
    if (onPath("crun").isEmpty() && onPath("runc").isEmpty()) {
      problems.add("no OCI runtime: install one with `apt-get install runc` (or crun)");
    }
    if (onPath("conmon").isEmpty()
        && CONMON_DIRS.stream().map(d -> Path.of(d, "conmon")).noneMatch(Files::isExecutable)) {
      problems.add("conmon is missing: install it with `apt-get install conmon`");
    }
    try {
      io.berth.testkit.BusyboxImage.locateBusybox();
    } catch (IllegalStateException e) {
      problems.add(e.getMessage());
    }
    return problems;
  }

  /** Prints the problems and exits with status 2 if there are any. */
  static void requireReadyHost() {
    List<String> problems = problems();
    if (problems.isEmpty()) {
      return;
    }
    System.err.println("This host cannot run the example yet:");
    problems.forEach(p -> System.err.println("  - " + p));
    System.exit(2);
  }

  /**
   * Ends an example that Berth could not run, with Berth's message (which names the container,
   * image or path and what to do) instead of a bare stack trace.
   */
  static void fail(RuntimeException e) {
    System.err.println("Berth could not run the example: " + e.getMessage());
    System.exit(1);
  }

  static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}

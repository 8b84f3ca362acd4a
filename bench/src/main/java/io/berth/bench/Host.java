package io.berth.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the bench needs from the host, found once: the tools, their versions, the limits. */
final class Host {
  static final List<String> TOOLS = List.of("runc", "crun", "conmon", "podman", "tar", "cp");

  private Host() {}

  /** Everything missing for a full run, each with what to do about it; empty when ready. */
  static List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      problems.add("run as root: Berth, runc and podman need it here");
    }
    for (String tool : TOOLS) {
      if (onPath(tool).isEmpty()) {
        problems.add(tool + " is not on PATH: install it (`bash .ci/run` installs everything)");
      }
    }
    try {
      io.berth.testkit.BusyboxImage.locateBusybox();
    } catch (IllegalStateException e) {
      problems.add(e.getMessage());
    }
    return problems;
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

  /** Versions and machine facts for the report's header. */
  static Map<String, Object> describe(Cmd cmd) {
    Map<String, Object> host = new LinkedHashMap<>();
    host.put("kernel", read("/proc/sys/kernel/osrelease"));
    host.put("cpus", java.lang.Runtime.getRuntime().availableProcessors());
    host.put("java", System.getProperty("java.vm.name") + " " + System.getProperty(
        "java.runtime.version"));
    for (String tool : List.of("runc", "crun", "conmon", "podman", "tar")) {
      try {
        host.put(tool, cmd.output(tool, "--version").lines().findFirst().orElse("?"));
      } catch (BenchException e) {
        host.put(tool, "unavailable: " + e.getMessage());
      }
    }
    return host;
  }

  /**
   * The hard limits of this process, as {@code name=soft:hard} ulimits for podman. Runtimes
   * cannot raise a hard limit without CAP_SYS_RESOURCE; podman lowers its own nproc limit to
   * {@code kernel.pid_max} at start, so nproc is capped there too.
   */
  static List<String> hostUlimits() {
    long nofile = hardLimit("Max open files");
    long nproc = Math.min(hardLimit("Max processes"),
        Long.parseLong(read("/proc/sys/kernel/pid_max")));
    return List.of("nofile=" + nofile + ":" + nofile, "nproc=" + nproc + ":" + nproc);
  }

  private static long hardLimit(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith(name)) {
          // "Max open files            20000                20000                files"
          String hard = line.split("\\s{2,}")[2];
          return hard.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(hard);
        }
      }
    } catch (IOException e) {
      throw new BenchException("cannot read /proc/self/limits: " + e.getMessage(), e);
    }
    throw new BenchException("no '" + name + "' in /proc/self/limits");
  }

  /**
   * Reads a small /proc file. Not with {@code Files.readString}: it reads the first byte alone,
   * and an integer sysctl file read again at offset 1 says end-of-file, so {@code pid_max}
   * would come back as {@code "3"}.
   */
  static String read(String file) {
    try (java.io.InputStream in = new java.io.FileInputStream(file)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}

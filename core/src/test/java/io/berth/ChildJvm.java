package io.berth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM that opens the same root and does one thing to one container, so tests can prove
 * what survives a JVM and what two JVMs see of each other. Prints results on stdout.
 */
public final class ChildJvm {
  /** What a finished child printed and how it ended. */
  record Result(int exitCode, String stdout, String stderr) {}

  static Result run(Path dir, String driver, String ociRuntime, String action, String id,
      String... jvmFlags) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmFlags));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildJvm.class.getName(),
        dir.toString(), driver, ociRuntime, action, id));
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    var out = p.getInputStream().readAllBytes();
    var err = p.getErrorStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("child JVM did not finish: " + action);
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim(),
        new String(err, StandardCharsets.UTF_8));
  }

  /** Where this JVM loaded sqlite-jdbc's native library from, as the kernel maps it. */
  private static String mappedSqliteLibrary() {
    try (var lines = java.nio.file.Files.lines(Path.of("/proc/self/maps"))) {
      return lines.filter(l -> l.contains("libsqlitejdbc"))
          .map(l -> l.substring(l.indexOf('/')))
          .findFirst().orElse("<not mapped>");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    try (Runtime runtime = Fixture.open(dir, args[1], args[2])) {
      Container c = runtime.lookupContainer(args[4]);
      switch (args[3]) {
        case "start" -> {
          c.start();
          System.out.println(c.state());
        }
        case "init" -> {
          c.init();
          System.out.println(c.state());
        }
        case "stop-and-wait" -> {
          c.stop(Duration.ZERO);
          System.out.println(c.waitForExit());
        }
        case "state" -> System.out.println(c.state());
        case "sqlite-library" -> System.out.println(mappedSqliteLibrary());
        default -> throw new IllegalArgumentException(args[3]);
      }
    }
  }
}

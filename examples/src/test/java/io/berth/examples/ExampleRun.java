package io.berth.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An example run as a user runs it: its own JVM, its {@code main}, its exit code and what it
 * printed. The JVM gets this test's class path, so the example and Berth are the ones built.
 */
record ExampleRun(int exitCode, String stdout, String stderr) {

  static ExampleRun of(Class<?> example, String... args) throws Exception {
    return withEnv(Map.of(), example, args);
  }

  static ExampleRun withEnv(Map<String, String> env, Class<?> example, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), example.getName()));
    command.addAll(List.of(args));
    Path err = Files.createTempFile("example-stderr", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(example.getSimpleName() + " did not finish: " + out);
      }
      return new ExampleRun(p.exitValue(), out, Files.readString(err));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** The first group of {@code regex} in stdout. */
  String find(String regex) {
    Matcher m = Pattern.compile(regex).matcher(stdout);
    if (!m.find()) {
      throw new AssertionError("no match for " + regex + " in:\n" + this);
    }
    return m.group(1);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
  }
}

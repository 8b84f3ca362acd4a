package io.berth.bench;

import io.berth.Container;
import io.berth.Runtime;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fresh JVM pays on a full store: the first {@code Runtime.open}, a first lookup by name,
 * a first {@code containers()}, and the heap they keep. Runs as its own process (see
 * {@link #measure}) and prints {@code key=value} pairs on one line.
 */
public final class ColdOpen {
  private ColdOpen() {}

  /** {@code ColdOpen <dir> <ociRuntime> <name to look up>}. */
  public static void main(String[] args) {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = memory.getHeapMemoryUsage().getUsed();
    long t0 = System.nanoTime();
    try (Runtime runtime = BerthRoot.open(Path.of(args[0]), args[1])) {
      long t1 = System.nanoTime();
      Container found = runtime.lookupContainer(args[2]);
      long t2 = System.nanoTime();
      List<Container> all = runtime.containers();
      long t3 = System.nanoTime();
      System.gc();
      long heapAfter = memory.getHeapMemoryUsage().getUsed();
      System.out.printf("open=%d lookup=%d list=%d heap=%d count=%d found=%s%n", t1 - t0,
          t2 - t1, t3 - t2, heapAfter - heapBefore, all.size(), found.name());
    }
  }

  /** Runs {@link #main} in a new JVM with this JVM's module or class path, and parses it. */
  static Map<String, String> measure(Path dir, String ociRuntime, String name) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String modulePath = System.getProperty("jdk.module.path");
    if (modulePath != null) {
      command.addAll(List.of("-p", modulePath, "-m",
          "io.berth.bench/" + ColdOpen.class.getName()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          ColdOpen.class.getName()));
    }
    command.addAll(List.of(dir.toString(), ociRuntime, name));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new BenchException("the fresh JVM failed: " + output);
      }
      Map<String, String> values = new HashMap<>();
      String last = output.strip().lines().reduce((a, b) -> b).orElse("");
      for (String pair : last.split(" ")) {
        String[] kv = pair.split("=", 2);
        if (kv.length == 2) {
          values.put(kv[0], kv[1]);
        }
      }
      if (!values.containsKey("open")) {
        throw new BenchException("the fresh JVM printed no timings: " + output);
      }
      return values;
    } catch (IOException e) {
      throw new BenchException("cannot start a fresh JVM: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BenchException("interrupted while waiting for a fresh JVM", e);
    }
  }
}

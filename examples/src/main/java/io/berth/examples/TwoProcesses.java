package io.berth.examples;

import io.berth.BerthException;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.oci.Signals;
import io.berth.storage.Image;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * There is no daemon: a container outlives the JVM that started it, and any other JVM on the
 * same root can pick it up. Run without arguments, this program plays both parts in turn, each
 * in a JVM of its own: {@code start NAME} starts a container and exits; {@code wait NAME} finds
 * it, tells it to finish, waits for it and prints its exit code. You can also run the two modes
 * yourself, from two shells.
 */
public final class TwoProcesses {
  /** The container runs until SIGUSR1, then exits with this code. */
  static final int EXIT_CODE = 7;

  private TwoProcesses() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Preflight.requireReadyHost();
    try {
      if (args.length == 0) {
        String name = "two-processes-" + UUID.randomUUID().toString().substring(0, 8);
        int first = runChild("JVM 1", "start", name);
        int second = first == 0 ? runChild("JVM 2", "wait", name) : first;
        System.exit(second);
      } else if (args.length == 2 && args[0].equals("start")) {
        start(args[1]);
      } else if (args.length == 2 && args[0].equals("wait")) {
        waitFor(args[1]);
      } else {
        System.err.println("usage: TwoProcesses [start NAME | wait NAME]");
        System.exit(2);
      }
    } catch (BerthException e) {
      Preflight.fail(e);
    }
  }

  private static void start(String name) throws IOException {
    try (Runtime runtime = Runtime.open()) {
      Image image = ExampleImage.busybox(runtime);
      Container c = runtime.newContainer(ContainerConfig.builder()
          .image(image.id())
          .name(name)
          .command("sh", "-c", "trap 'exit " + EXIT_CODE + "' USR1; echo ready;"
              + " while true; do sleep 0.1; done")
          .build());
      try {
        c.start();
        awaitReady(c);
      } catch (RuntimeException e) {
        runtime.removeContainer(c, true);
        throw e;
      }
      System.out.printf("Started container %s (pid %d); this JVM exits now and leaves it"
          + " running under conmon.%n", name, c.inspect(false).pid().orElse(-1));
    }
  }

  /**
   * Waits for the container's "ready", printed once its trap is set: a signal that came
   * earlier would be ignored, since the shell runs as the container's init.
   */
  private static void awaitReady(Container c) {
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
    try (io.berth.oci.LogFollower follower = io.berth.oci.ContainerLogs.follow(
        c.inspect(false).logPath(), line -> {
          if (line.text().equals("ready")) {
            ready.countDown();
          }
        })) {
      if (!ready.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new IllegalStateException("container " + c.name() + " did not start its shell");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + c.name(), e);
    }
  }

  private static void waitFor(String name) {
    try (Runtime runtime = Runtime.open()) {
      Container c = runtime.lookupContainer(name);
      try {
        System.out.printf("Found container %s, started by another JVM: %s.%n", name, c.state());
        c.kill(Signals.number("SIGUSR1"));
        System.out.println("Sent it SIGUSR1, which it traps to exit; waiting for it ...");
        System.out.println("Exit code: " + c.waitForExit());
      } finally {
        runtime.removeContainer(c, true);
        System.out.println("Removed the container. Done.");
      }
    }
  }

  /** Runs this class in a new JVM on the same module or class path, prefixing its output. */
  private static int runChild(String label, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String modulePath = System.getProperty("jdk.module.path");
    if (modulePath != null) {
      command.addAll(List.of("-p", modulePath, "-m",
          "io.berth.examples/" + TwoProcesses.class.getName()));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"),
          TwoProcesses.class.getName()));
    }
    command.addAll(List.of(args));
    System.out.printf("[%s] java ... TwoProcesses %s%n", label, String.join(" ", args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        System.out.printf("[%s] %s%n", label, line);
      }
    }
    int code = p.waitFor();
    System.out.printf("[%s] exited with %d%n", label, code);
    return code;
  }
}

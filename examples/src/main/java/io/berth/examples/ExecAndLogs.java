package io.berth.examples;

import io.berth.BerthException;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.ExecConfig;
import io.berth.ExecResult;
import io.berth.Runtime;
import io.berth.oci.ContainerLogs;
import io.berth.oci.LogFollower;
import io.berth.storage.Image;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A long-running container: follow its log as it writes, exec processes into it (one that
 * returns its own output, one that writes into the container's main output), then stop it.
 */
public final class ExecAndLogs {
  private static final String TICKER = "trap 'echo got SIGTERM, exiting; exit 0' TERM;"
      + " i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 0.2; done";

  private ExecAndLogs() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Preflight.requireReadyHost();
    try (Runtime runtime = Runtime.open()) {
      Image image = ExampleImage.busybox(runtime);
      Container c = runtime.newContainer(ContainerConfig.builder()
          .image(image.id())
          .command("sh", "-c", TICKER)
          .stopTimeout(Duration.ofSeconds(5))
          .build());
      try {
        run(c);
      } finally {
        runtime.removeContainer(c, true);
        System.out.println("Removed the container. Done.");
      }
    } catch (BerthException | IllegalStateException e) {
      Preflight.fail(e);
    }
  }

  private static void run(Container c) throws InterruptedException {
    c.start();
    System.out.printf("Started container %s: a shell that prints a tick five times a second.%n",
        c.name());

    CountDownLatch ticks = new CountDownLatch(3);
    CountDownLatch execLine = new CountDownLatch(1);
    // The follower calls us on its own thread for every line conmon writes to the log.
    try (LogFollower follower = ContainerLogs.follow(c.inspect(false).logPath(),
        ContainerLogs.joiningLines(line -> {
          System.out.println("  log: " + line.text());
          if (line.text().startsWith("tick")) {
            ticks.countDown();
          } else if (line.text().contains("written by exec")) {
            execLine.countDown();
          }
        }))) {
      await(ticks, "three ticks in the container's log");

      ExecResult r = c.exec(ExecConfig.of("sh", "-c", "echo hello from exec; id -un"));
      System.out.printf("exec ran `echo hello from exec; id -un`: exit code %d, output %s%n",
          r.exitCode(), r.stdout().strip().replace("\n", " | "));

      c.exec(ExecConfig.of("sh", "-c",
          "echo 'written by exec into the main output' > /proc/1/fd/1"));
      await(execLine, "the line an exec wrote into the container's main output");
      System.out.println("The follower saw the line the exec wrote into the main output.");

      System.out.println("Stopping the container (SIGTERM, which its shell traps) ...");
      c.stop();
      System.out.println("Exit code: " + c.waitForExit());
      follower.close();
    }
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gave up after 10 s waiting for " + what);
    }
  }
}

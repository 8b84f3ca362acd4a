package io.berth.examples;

import io.berth.BerthException;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.ContainerInspect;
import io.berth.ContainerStateException;
import io.berth.Runtime;
import io.berth.storage.Image;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code batch}: several calls on one container under one lock and one state read. Other
 * threads (and other processes) that use the container wait until the batch returns, so they
 * never see it half-way; inside, the container's own calls skip locking and syncing.
 */
public final class BatchOperations {
  private BatchOperations() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Preflight.requireReadyHost();
    try (Runtime runtime = Runtime.open()) {
      Image image = ExampleImage.busybox(runtime);
      Container c = runtime.newContainer(ContainerConfig.builder()
          .image(image.id())
          .command("sleep", "1000")
          .build());
      try {
        run(runtime, c);
      } finally {
        runtime.removeContainer(c, true);
        System.out.println("Removed the container. Done.");
      }
    } catch (BerthException | IllegalStateException e) {
      Preflight.fail(e);
    }
  }

  private static void run(Runtime runtime, Container c) throws InterruptedException {
    System.out.printf("Created container %s (state %s).%n", c.name(), c.state());

    // Another thread asks for the state while the batch runs: it has to wait for the lock.
    CountDownLatch batchStarted = new CountDownLatch(1);
    AtomicBoolean batchOver = new AtomicBoolean();
    AtomicBoolean waitedForBatch = new AtomicBoolean();
    Thread other = new Thread(() -> {
      try {
        batchStarted.await();
        c.state();
        waitedForBatch.set(batchOver.get());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "other-thread");
    other.setDaemon(true); // never keeps the JVM alive if the batch fails before it starts
    other.start();

    ContainerInspect inspect = c.batch(ctr -> {
      ctr.init();
      batchStarted.countDown();
      ctr.start();
      ContainerInspect snapshot = ctr.inspect(false);
      try {
        runtime.removeContainer(ctr, true);
      } catch (ContainerStateException refused) {
        System.out.println("Inside the batch, removing the container is refused: "
            + refused.getMessage());
      }
      batchOver.set(true);
      return snapshot;
    });
    System.out.printf("One batch did init, start and inspect: state %s, pid %d, started %s.%n",
        inspect.state(), inspect.pid().orElse(-1), inspect.startedAt().orElseThrow());
    other.join();
    System.out.println("Another thread's state() call returned only after the batch ended: "
        + waitedForBatch.get());

    Integer exitCode = c.batch(ctr -> {
      ctr.stop(Duration.ZERO);
      return ctr.inspect(false).exitCode().orElseThrow();
    });
    System.out.println("A second batch stopped it (SIGKILL) and read its exit code: " + exitCode);
  }
}

package io.berth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerLocksTest {
  @TempDir Path dir;

  @Test
  void acquire_twoThreads_neverOverlap() throws Exception {
    ContainerLocks locks = new ContainerLocks(dir, new Metrics());
    AtomicBoolean inside = new AtomicBoolean();
    AtomicInteger overlaps = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    Runnable worker = () -> {
      try {
        start.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      for (int i = 0; i < 200; i++) {
        try (ContainerLocks.Held held = locks.acquire("c1")) {
          if (!inside.compareAndSet(false, true)) {
            overlaps.incrementAndGet();
          }
          Thread.yield();
          inside.set(false);
        }
      }
    };
    Thread a = new Thread(worker);
    Thread b = new Thread(worker);
    a.start();
    b.start();
    start.countDown();
    a.join();
    b.join();

    assertThat(overlaps).hasValue(0);
  }

  @Test
  void acquire_reentrant_countsOneAcquisitionAndReleasesFileLast() throws Exception {
    Metrics metrics = new Metrics();
    ContainerLocks locks = new ContainerLocks(dir, metrics);
    try (ContainerLocks.Held outer = locks.acquire("c1")) {
      try (ContainerLocks.Held inner = locks.acquire("c1")) {
        assertThat(locks.isHeldByCurrentThread("c1")).isTrue();
      }
      assertThat(fileLockFree(dir.resolve("c1.lock"))).as("still held by outer").isFalse();
    }
    assertThat(metrics.lockAcquisitions()).isEqualTo(1);
    assertThat(locks.isHeldByCurrentThread("c1")).isFalse();
  }

  @Test
  void acquire_heldByAnotherProcess_waitsForIt() throws Exception {
    ContainerLocks locks = new ContainerLocks(dir, new Metrics());
    Process holder = LockHolder.start(dir.resolve("c1.lock"));
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
      assertThat(out.readLine()).isEqualTo("locked");
      CountDownLatch acquired = new CountDownLatch(1);
      Thread waiter = new Thread(() -> {
        try (ContainerLocks.Held held = locks.acquire("c1")) {
          acquired.countDown();
        }
      });
      waiter.start();

      assertThat(acquired.await(300, TimeUnit.MILLISECONDS)).as("blocked by the other process")
          .isFalse();
      holder.getOutputStream().close(); // the holder exits, the kernel drops its lock
      assertThat(acquired.await(30, TimeUnit.SECONDS)).isTrue();
      waiter.join();
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  /** True if this process could take the file lock right now. */
  private static boolean fileLockFree(Path file) throws Exception {
    // A second process is the only honest observer of an fcntl lock held by this one.
    Process probe = new ProcessBuilder(List.of(LockHolder.java(), "-cp",
        System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString(),
        "probe")).start();
    String answer = new BufferedReader(new InputStreamReader(probe.getInputStream())).readLine();
    probe.waitFor();
    return "free".equals(answer);
  }

  /** A child JVM that takes the fcntl lock on a file and holds it until stdin closes. */
  public static final class LockHolder {
    static String java() {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Process start(Path file) throws Exception {
      return new ProcessBuilder(List.of(java(), "-cp", System.getProperty("java.class.path"),
          LockHolder.class.getName(), file.toString(), "hold")).redirectErrorStream(true).start();
    }

    public static void main(String[] args) throws Exception {
      try (FileChannel ch = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        if (args[1].equals("probe")) {
          System.out.println(ch.tryLock() == null ? "held" : "free");
          return;
        }
        ch.lock();
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // hold until the parent closes our stdin
        }
      }
    }
  }
}

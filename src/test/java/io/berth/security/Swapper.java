package io.berth.security;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread that exchanges two names as fast as it can with {@code renameat2(RENAME_EXCHANGE)}
 * (atomic: each name always exists), the way a process inside a container swaps a directory
 * for a symlink to a host path while the host reads its rootfs. Stop it with {@link #close()}.
 */
final class Swapper implements AutoCloseable {
  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 2;

  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags)
        throws LastErrorException;
  }

  private final Thread thread;
  private final AtomicLong swaps = new AtomicLong();
  private volatile boolean stop;
  private volatile RuntimeException failure;

  Swapper(Path a, Path b) {
    thread = new Thread(() -> {
      try {
        while (!stop) {
          LibC.INSTANCE.renameat2(AT_FDCWD, a.toString(), AT_FDCWD, b.toString(),
              RENAME_EXCHANGE);
          swaps.incrementAndGet();
        }
      } catch (RuntimeException e) {
        failure = e;
      }
    }, "swapper");
    thread.setDaemon(true);
    thread.start();
  }

  /** How many exchanges were made so far; fails if the exchanging failed. */
  long swaps() {
    if (failure != null) {
      throw new AssertionError("exchanging stopped after " + swaps.get() + " swaps", failure);
    }
    return swaps.get();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join();
    if (failure != null) {
      throw failure;
    }
  }
}

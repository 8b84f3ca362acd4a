package io.berth.storage.internal;

import io.berth.storage.StorageException;
import io.berth.storage.StoreLockTimeoutException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store-wide lock: a reentrant in-JVM lock plus an {@code fcntl} lock on a file, so that
 * threads, several {@code Store} instances on one root, and other processes all take turns.
 * The kernel drops a dead process's lock. One {@link Shared} per lock file per JVM, because
 * fcntl locks belong to the process, not to a thread or a channel.
 */
final class StoreLock implements AutoCloseable {
  private static final Map<Path, Shared> SHARED = new HashMap<>();

  private final Path file;
  private final Shared shared;
  private final Optional<Duration> timeout;
  private boolean closed;

  private static final class Shared {
    final ReentrantLock lock = new ReentrantLock();
    FileChannel channel;
    FileLock fileLock;
    int users;
  }

  private StoreLock(Path file, Shared shared, Optional<Duration> timeout) {
    this.file = file;
    this.shared = shared;
    this.timeout = timeout;
  }

  static StoreLock open(Path file, Optional<Duration> timeout) {
    synchronized (SHARED) {
      Shared s = SHARED.computeIfAbsent(file, f -> new Shared());
      if (s.channel == null) {
        try {
          s.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
          SHARED.remove(file);
          throw new StorageException("could not open the store lock " + file + ": "
              + e.getMessage(), e);
        }
      }
      s.users++;
      return new StoreLock(file, s, timeout);
    }
  }

  /** Takes the lock; release it by closing the returned handle. */
  Held acquire() {
    long deadline = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    try {
      if (timeout.isPresent()) {
        if (!shared.lock.tryLock(timeout.get().toNanos(), TimeUnit.NANOSECONDS)) {
          throw new StoreLockTimeoutException(file, timeout.get());
        }
      } else {
        shared.lock.lockInterruptibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for the store lock " + file, e);
    }
    if (shared.lock.getHoldCount() == 1) {
      try {
        lockFile(deadline);
      } catch (RuntimeException e) {
        shared.lock.unlock();
        throw e;
      }
    }
    return new Held();
  }

  boolean isHeldByCurrentThread() {
    return shared.lock.isHeldByCurrentThread();
  }

  /**
   * fcntl has no timed wait; polling tryLock keeps the wait bounded and interruptible (an
   * interrupted blocking lock() would close the shared channel).
   */
  private void lockFile(long deadline) {
    long pause = 1;
    while (true) {
      try {
        FileLock l = shared.channel.tryLock();
        if (l != null) {
          shared.fileLock = l;
          return;
        }
      } catch (IOException e) {
        throw new StorageException("could not lock " + file + ": " + e.getMessage(), e);
      }
      if (System.nanoTime() > deadline) {
        throw new StoreLockTimeoutException(file, timeout.orElse(Duration.ZERO));
      }
      try {
        TimeUnit.MILLISECONDS.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted while waiting for the store lock " + file, e);
      }
      pause = Math.min(50, pause * 2);
    }
  }

  /** A held lock. */
  final class Held implements AutoCloseable {
    private boolean released;

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      if (shared.lock.getHoldCount() == 1 && shared.fileLock != null) {
        try {
          shared.fileLock.release();
        } catch (IOException e) {
          throw new StorageException("could not release the store lock " + file, e);
        } finally {
          shared.fileLock = null;
          shared.lock.unlock();
        }
      } else {
        shared.lock.unlock();
      }
    }
  }

  @Override
  public void close() {
    synchronized (SHARED) {
      if (closed) {
        return;
      }
      closed = true;
      if (--shared.users == 0) {
        SHARED.remove(file);
        try {
          shared.channel.close();
        } catch (IOException e) {
          throw new StorageException("could not close the store lock " + file, e);
        }
      }
    }
  }
}

package io.berth.internal;

import io.berth.BerthException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per container, good across threads and processes: an in-JVM reentrant lock, and,
 * while it is held, an {@code fcntl} lock on {@code <runRoot>/locks/<id>.lock}.
 *
 * <p>The kernel drops a dead process's fcntl locks, so a crash never leaves a container locked,
 * and there is no fixed pool to run out of. The in-JVM lock comes first because fcntl locks
 * belong to the process, not the thread. The file is held open only while locked, so idle
 * containers cost no file descriptors.
 */
final class ContainerLocks {
  private final Path dir;
  private final Metrics metrics;
  private final ConcurrentMap<String, Entry> entries = new ConcurrentHashMap<>();

  ContainerLocks(Path dir, Metrics metrics) {
    this.dir = dir;
    this.metrics = metrics;
  }

  /** A held lock; closing it releases one level of hold. */
  interface Held extends AutoCloseable {
    @Override
    void close();
  }

  /** Blocks until this thread holds the container's lock (re-entrantly). */
  Held acquire(String id) {
    Entry entry = entries.computeIfAbsent(id, k -> new Entry());
    entry.jvm.lock();
    if (entry.jvm.getHoldCount() == 1) {
      try {
        entry.channel = FileChannel.open(dir.resolve(id + ".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        entry.fileLock = entry.channel.lock();
        metrics.lockAcquisitions.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        closeQuietly(entry);
        entry.jvm.unlock();
        throw new BerthException("cannot lock container " + id + " through "
            + dir.resolve(id + ".lock") + ": " + e, e);
      }
    }
    return () -> release(entry);
  }

  boolean isHeldByCurrentThread(String id) {
    Entry entry = entries.get(id);
    return entry != null && entry.jvm.isHeldByCurrentThread();
  }

  /** Drops the lock file of a removed container; call while holding its lock, last thing. */
  void forget(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".lock"));
    } catch (IOException e) {
      // A stale lock file is harmless: ids are never reused.
    }
  }

  private void release(Entry entry) {
    if (entry.jvm.getHoldCount() == 1) {
      closeQuietly(entry);
    }
    entry.jvm.unlock();
  }

  private static void closeQuietly(Entry entry) {
    try {
      if (entry.channel != null) {
        entry.channel.close(); // also releases the fcntl lock
      }
    } catch (IOException e) {
      // Closing releases the lock even when close reports an error.
    } finally {
      entry.channel = null;
      entry.fileLock = null;
    }
  }

  private static final class Entry {
    final ReentrantLock jvm = new ReentrantLock();
    FileChannel channel;
    FileLock fileLock;
  }
}

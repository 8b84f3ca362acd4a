package io.berth.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of the expensive things a runtime does: lock acquisitions, state-database reads and
 * writes. Tests use them to prove that a batch costs one lock and one read.
 */
public final class Metrics {
  final AtomicLong lockAcquisitions = new AtomicLong();
  final AtomicLong dbReads = new AtomicLong();
  final AtomicLong dbWrites = new AtomicLong();

  public long lockAcquisitions() {
    return lockAcquisitions.get();
  }

  public long dbReads() {
    return dbReads.get();
  }

  public long dbWrites() {
    return dbWrites.get();
  }
}

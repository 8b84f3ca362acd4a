package io.berth.internal;

import java.time.Duration;
import java.util.Objects;

/** Checks on caller-supplied timeouts, and deadline arithmetic that cannot overflow. */
final class Durations {
  private Durations() {}

  static Duration check(Duration timeout, String what) {
    Objects.requireNonNull(timeout, what);
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(what + " must not be negative: " + timeout);
    }
    return timeout;
  }

  /** A deadline in {@link System#nanoTime()} terms; {@code Long.MAX_VALUE} for none. */
  static long deadline(Duration timeout) {
    if (timeout == null) {
      return Long.MAX_VALUE;
    }
    long now = System.nanoTime();
    long nanos = timeout.compareTo(Duration.ofDays(365 * 100)) > 0
        ? Long.MAX_VALUE / 2 : timeout.toNanos();
    return now + nanos;
  }

  /** What is left until {@code deadline}, never negative; a century for no deadline. */
  static Duration remaining(long deadline) {
    if (deadline == Long.MAX_VALUE) {
      return Duration.ofDays(365 * 100);
    }
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }
}

package io.berth.bench;

import java.util.Arrays;
import java.util.List;

/**
 * The timings of one contender: medians and quartiles, which a few slow outliers on a noisy
 * machine barely move (a mean would).
 */
record Samples(long[] nanos) {
  Samples {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    nanos = nanos.clone();
    Arrays.sort(nanos);
  }

  static Samples of(List<Long> nanos) {
    return new Samples(nanos.stream().mapToLong(Long::longValue).toArray());
  }

  int n() {
    return nanos.length;
  }

  double median() {
    return quantile(0.5);
  }

  double p25() {
    return quantile(0.25);
  }

  double p75() {
    return quantile(0.75);
  }

  /** Linear interpolation between the two nearest ranks, in nanoseconds. */
  double quantile(double q) {
    double pos = q * (nanos.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return nanos[lo] + (pos - lo) * (nanos[hi] - nanos[lo]);
  }
}

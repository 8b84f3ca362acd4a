package io.berth.bench;

/**
 * One line of the results table: a contender's median on a workload, with the spread of the
 * middle half of its samples.
 *
 * @param n how many timed repetitions the median is of
 * @param unit {@code ms}, {@code µs}, {@code MB/s} (10^6 bytes), {@code containers/s}, {@code MB}
 * @param low the 25th percentile, in {@code unit} (for rates: the rate at the 75th percentile
 *     of the times)
 * @param high the 75th percentile, in {@code unit}
 */
record Row(String workload, String contender, int n, String unit, double median, double low,
    double high) {

  static final double MB = 1_000_000.0;

  static Row millis(String workload, String contender, Samples s) {
    return new Row(workload, contender, s.n(), "ms", s.median() / 1e6, s.p25() / 1e6,
        s.p75() / 1e6);
  }

  static Row micros(String workload, String contender, Samples s) {
    return new Row(workload, contender, s.n(), "µs", s.median() / 1e3, s.p25() / 1e3,
        s.p75() / 1e3);
  }

  /** {@code bytes} per sample, as MB/s. */
  static Row throughput(String workload, String contender, Samples s, long bytes) {
    return rate(workload, contender, s, bytes / MB, "MB/s");
  }

  /** {@code count} things per sample, per second. */
  static Row rate(String workload, String contender, Samples s, double count, String unit) {
    return new Row(workload, contender, s.n(), unit, count / (s.median() / 1e9),
        count / (s.p75() / 1e9), count / (s.p25() / 1e9));
  }

  /** A single measured quantity, like heap in use. */
  static Row value(String workload, String contender, String unit, double value) {
    return new Row(workload, contender, 1, unit, value, value, value);
  }
}

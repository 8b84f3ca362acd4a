package io.berth.bench;

/**
 * How much work each workload does. {@link #FULL} is for numbers worth quoting: enough
 * repetitions for stable medians on a noisy 2-core machine. {@link #QUICK} only proves that
 * every workload still runs end to end (CI runs it; its timings mean little).
 *
 * @param warmups untimed rounds before the kept ones, for the per-container workloads
 * @param repetitions kept rounds for lifecycle and exec
 * @param perThread containers each of the 2 threads runs in one parallel batch
 * @param batches kept parallel batches
 * @param ioRepetitions kept rounds for unpack, export and commit
 * @param layerBytes size of the generated layer for unpack and export
 * @param commitBytes size of the change that commit stores
 * @param scaleContainers containers in the store for the scale workload
 * @param scaleRepetitions kept opens and listings at scale
 */
record Effort(String name, int warmups, int repetitions, int perThread, int batches,
    int ioRepetitions, long layerBytes, long commitBytes, int scaleContainers,
    int scaleRepetitions) {

  static final Effort FULL = new Effort("full", 5, 40, 15, 3, 7, 200_000_000L, 50_000_000L,
      1000, 15);

  static final Effort QUICK = new Effort("quick", 1, 3, 2, 1, 2, 8_000_000L, 2_000_000L, 40, 3);
}

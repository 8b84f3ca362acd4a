package io.berth.bench;

import io.berth.BerthException;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures Berth against raw runc and crun and against podman, in one run, on the same busybox
 * image, and prints a table of medians and ratios (also written as JSON). Run it as root:
 *
 * <pre>
 * java -p bench/target/modules -m io.berth.bench/io.berth.bench.Bench [--quick]
 * </pre>
 *
 * <p>Everything it creates (Berth roots, podman's store, bundles, generated layers) lives in one
 * temporary directory that is removed at the end, even after Ctrl-C.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    List<String> problems = Host.problems();
    if (!problems.isEmpty()) {
      System.err.println("This host cannot run the benchmark yet:");
      problems.forEach(p -> System.err.println("  - " + p));
      System.exit(2);
    }
    try {
      run(options, System.out);
    } catch (BenchException | BerthException | IOException e) {
      System.err.println("The benchmark failed: " + e.getMessage());
      System.exit(1);
    }
  }

  /** Runs the chosen workloads, prints the table to {@code out} and writes the JSON. */
  static Report run(BenchOptions options, PrintStream out) throws IOException {
    Report report = new Report();
    long start = System.nanoTime();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("started", Instant.now().toString());
    header.put("effort", options.effort());
    try (Fixtures f = new Fixtures(options, report, out)) {
      header.put("host", Host.describe(f.cmd));
      out.printf("Berth bench (%s) in %s%n", options, f.ws.root());
      for (String workload : options.workloads()) {
        out.println("== " + workload);
        long t = System.nanoTime();
        try {
          runOne(workload, f);
          out.printf("  done in %.1f s%n", (System.nanoTime() - t) / 1e9);
        } catch (Exception e) {
          // One broken workload should not cost the numbers of the others.
          String why = e.getMessage() == null ? e.toString() : e.getMessage();
          out.println("  FAILED: " + why);
          report.failure(workload, why);
        }
      }
    }
    header.put("seconds", (System.nanoTime() - start) / 1e9);
    out.println();
    report.print(out);
    report.writeJson(options.json(), header);
    out.println();
    out.println("Results written to " + options.json().toAbsolutePath());
    if (!report.failures().isEmpty()) {
      throw new BenchException(report.failures().size() + " workload(s) failed: "
          + report.failures());
    }
    return report;
  }

  private static void runOne(String workload, Fixtures f) throws Exception {
    switch (workload) {
      case LifecycleBench.NAME -> LifecycleBench.run(f);
      case ExecBench.NAME -> ExecBench.run(f);
      case ParallelBench.NAME -> ParallelBench.run(f);
      case UnpackBench.NAME -> UnpackBench.run(f);
      case ExportBench.NAME -> ExportBench.run(f);
      case CommitBench.NAME -> CommitBench.run(f);
      case ScaleBench.NAME -> ScaleBench.run(f);
      default -> throw new IllegalArgumentException("unknown workload " + workload);
    }
  }
}

package io.berth.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to run: the effort, which workloads, where the JSON goes and where temporary roots live.
 *
 * @param workloads names from {@link #WORKLOADS}, in run order
 * @param json where the results are written
 * @param workDir parent of the bench's temporary directory (which is removed at the end)
 */
record BenchOptions(Effort effort, List<String> workloads, Path json, Path workDir) {
  static final List<String> WORKLOADS =
      List.of("lifecycle", "exec", "parallel", "unpack", "export", "commit", "scale");

  static final String USAGE = String.join("\n",
      "usage: Bench [--quick] [--only w1,w2,..] [--json FILE] [--work-dir DIR]",
      "  --quick      few repetitions and small sizes: proves every workload runs (CI)",
      "  --only       workloads to run, from: " + String.join(",", WORKLOADS),
      "  --json       where to write the results (default bench/target/berth-bench.json when",
      "               run from the repository root, else ./berth-bench.json)",
      "  --work-dir   where the temporary roots go (default: java.io.tmpdir)");

  BenchOptions {
    Objects.requireNonNull(effort, "effort");
    workloads = List.copyOf(workloads);
    Objects.requireNonNull(json, "json");
    Objects.requireNonNull(workDir, "workDir");
  }

  boolean runs(String workload) {
    return workloads.contains(workload);
  }

  /** @throws IllegalArgumentException naming the bad argument, with the usage */
  static BenchOptions parse(String... args) {
    Effort effort = Effort.FULL;
    List<String> workloads = WORKLOADS;
    Path json = defaultJson();
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> effort = Effort.QUICK;
        case "--only" -> workloads = workloads(value(args, ++i, "--only"));
        case "--json" -> json = Path.of(value(args, ++i, "--json"));
        case "--work-dir" -> workDir = Path.of(value(args, ++i, "--work-dir"));
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'\n"
            + USAGE);
      }
    }
    return new BenchOptions(effort, workloads, json, workDir);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static List<String> workloads(String list) {
    Set<String> chosen = new LinkedHashSet<>();
    for (String w : list.split(",")) {
      if (!WORKLOADS.contains(w.strip())) {
        throw new IllegalArgumentException("unknown workload '" + w + "'; choose from "
            + String.join(",", WORKLOADS));
      }
      chosen.add(w.strip());
    }
    // Run order is always the canonical one, whatever order they were named in.
    return WORKLOADS.stream().filter(chosen::contains).toList();
  }

  private static Path defaultJson() {
    Path benchTarget = Path.of("bench", "target");
    return Files.isDirectory(benchTarget) ? benchTarget.resolve("berth-bench.json")
        : Path.of("berth-bench.json");
  }

  @Override
  public String toString() {
    return effort.name() + " " + workloads;
  }
}

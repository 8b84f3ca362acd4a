package io.berth.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Collects rows, ratios and targets as the workloads finish, prints them as a table and writes
 * them as JSON. Used from one thread.
 */
final class Report {
  private final List<Row> rows = new ArrayList<>();
  private final List<Ratio> ratios = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<String> anomalies = java.util.Collections.synchronizedList(
      new ArrayList<>());
  private final List<String> failures = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
  }

  /** Adds {@code subject ÷ reference} of two rows' medians, and returns the ratio. */
  double ratio(Row subject, Row reference, String meaning) {
    double value = subject.median() / reference.median();
    ratios.add(new Ratio(subject.workload(), subject.contender(), reference.contender(), value,
        meaning));
    return value;
  }

  void target(String workload, String goal, String measured, boolean met) {
    targets.add(new Target(workload, goal, measured, met));
  }

  /** A remark printed under the table: settings a reader needs to interpret the numbers. */
  void note(String note) {
    notes.add(note);
  }

  /**
   * Something Berth got wrong while being timed (a wrong exit code, say): kept going, so the
   * numbers still come out, but printed at the end for someone to fix. Any thread may call it.
   */
  void anomaly(String what) {
    anomalies.add(what);
  }

  /** A workload that could not finish; the others still run. */
  void failure(String workload, String why) {
    failures.add(workload + ": " + why);
  }

  List<String> anomalies() {
    return List.copyOf(anomalies);
  }

  List<String> failures() {
    return List.copyOf(failures);
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  List<Ratio> ratios() {
    return List.copyOf(ratios);
  }

  List<Target> targets() {
    return List.copyOf(targets);
  }

  Row row(String workload, String contender) {
    return rows.stream()
        .filter(r -> r.workload().equals(workload) && r.contender().equals(contender))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no row " + workload + "/" + contender));
  }

  void print(PrintStream out) {
    int w = rows.stream().mapToInt(r -> r.workload().length()).max().orElse(8);
    int c = rows.stream().mapToInt(r -> r.contender().length()).max().orElse(9);
    String format = "%-" + w + "s  %-" + c + "s  %5s  %12s  %-14s  %s%n";
    out.printf(format, "workload", "contender", "N", "median", "unit", "p25 .. p75");
    String previous = null;
    for (Row r : rows) {
      if (previous != null && !previous.equals(r.workload())) {
        out.println();
      }
      previous = r.workload();
      String spread = r.n() > 1 ? num(r.low()) + " .. " + num(r.high()) : "";
      out.printf(format, r.workload(), r.contender(), r.n(), num(r.median()), r.unit(), spread);
    }
    if (!ratios.isEmpty()) {
      out.println();
      out.println("Ratios of medians:");
      for (Ratio r : ratios) {
        out.printf("  %-12s %-36s %7sx  %s%n", r.workload(), r.subject(),
            String.format(Locale.ROOT, "%.2f", r.value()), r.meaning());
      }
    }
    if (!targets.isEmpty()) {
      out.println();
      out.println("Targets (shown, not asserted):");
      for (Target t : targets) {
        out.printf("  [%s] %-12s %-52s measured %s%n", t.met() ? "met   " : "MISSED",
            t.workload(), t.goal(), t.measured());
      }
    }
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(n -> out.println("Note: " + n));
    }
    if (!anomalies.isEmpty()) {
      out.println();
      out.println("ANOMALIES (Berth misbehaved while being measured; " + anomalies.size() + "):");
      anomalies().forEach(a -> out.println("  " + a));
    }
    if (!failures.isEmpty()) {
      out.println();
      out.println("FAILED WORKLOADS:");
      failures.forEach(f -> out.println("  " + f));
    }
  }

  void writeJson(Path file, Map<String, Object> header) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>(header);
    doc.put("rows", rows);
    doc.put("ratios", ratios);
    doc.put("targets", targets);
    doc.put("notes", notes);
    doc.put("anomalies", anomalies());
    doc.put("failures", failures);
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path temp = Files.createTempFile(parent, ".berth-bench", ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(temp.toFile(), doc);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** A ratio for a target line, precise enough that a near miss does not print as the goal. */
  static String ratio(double v) {
    return String.format(Locale.ROOT, "%.3fx", v);
  }

  static String num(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

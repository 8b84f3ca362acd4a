package io.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick mode runs every workload end to end against real runc, crun, conmon and podman, so
 * the benchmark cannot rot unnoticed. No timing is asserted; only that every contender produced
 * numbers, the JSON says the same as the table, and nothing is left behind.
 */
class BenchQuickTest {
  @TempDir Path dir;

  @Test
  void run_quick_everyWorkloadHasEveryContenderAndNothingIsLeftBehind() throws Exception {
    Path json = dir.resolve("out").resolve("bench.json");
    Path work = Files.createDirectories(dir.resolve("work"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<Path> shortDirsBefore = shortDirs();

    Report report = Bench.run(BenchOptions.parse("--quick", "--json", json.toString(),
        "--work-dir", work.toString()), new PrintStream(printed, true, StandardCharsets.UTF_8));
    // The table goes to the test's output file too, for whoever reads the CI logs.
    System.out.print(printed.toString(StandardCharsets.UTF_8));

    Map<String, List<String>> contenders = report.rows().stream().collect(Collectors.groupingBy(
        Row::workload, Collectors.mapping(Row::contender, Collectors.toList())));
    assertThat(contenders.get("lifecycle")).containsExactly("Berth overlay+runc",
        "Berth overlay+crun", "runc run", "crun run", "runc create+start+delete",
        "crun create+start+delete", "podman run --rm", "podman run --rm --network none");
    assertThat(contenders.get("lifecycle steps")).hasSize(8);
    assertThat(contenders.get("exec")).containsExactly("Berth overlay+runc exec",
        "Berth overlay+crun exec", "runc exec", "crun exec", "podman exec");
    assertThat(contenders.get("parallel")).hasSize(5);
    assertThat(contenders.get("unpack")).containsExactly("GNU tar -xf", "GNU tar -xf; sync",
        "Berth load (docker-archive)", "Berth importRootfs (layer tar)", "podman load");
    assertThat(contenders.get("export")).containsExactly("GNU tar -cf", "GNU tar -cf; sync",
        "Berth export", "podman export");
    assertThat(contenders.get("commit")).containsExactly("Berth commit", "podman commit");
    assertThat(contenders.get("scale")).contains("Runtime.open, 40 containers",
        "lookupContainer(name)", "fresh JVM: first Runtime.open");
    assertThat(report.rows()).allSatisfy(r -> {
      assertThat(r.n()).isPositive();
      assertThat(r.median()).as(r.toString()).isPositive().isFinite();
    });
    assertThat(report.targets()).extracting(Target::workload)
        .contains("lifecycle", "exec", "unpack", "export", "scale");

    JsonNode doc = new ObjectMapper().readTree(json.toFile());
    assertThat(doc.get("rows")).hasSize(report.rows().size());
    assertThat(doc.get("effort").get("name").asText()).isEqualTo("quick");
    assertThat(doc.get("rows").get(0).get("n").asInt()).isEqualTo(Effort.QUICK.repetitions());
    assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Ratios of medians:")
        .contains("Targets (shown, not asserted):");

    try (Stream<Path> left = Files.list(work)) {
      assertThat(left).as("the workspace is removed").isEmpty();
    }
    assertThat(shortDirs()).as("podman's run root is removed").isEqualTo(shortDirsBefore);
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertThat(mounts).doesNotContain(work.toString()).doesNotContain(Workspace.SHORT_PREFIX);
    assertThat(processesMentioning(work.toString())).as("conmon or containers left").isEmpty();
    assertThat(processesMentioning(Workspace.SHORT_PREFIX)).as("podman's conmon left").isEmpty();
  }

  private static List<Path> shortDirs() throws Exception {
    try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
      return tmp.filter(p -> p.getFileName().toString().startsWith(Workspace.SHORT_PREFIX))
          .sorted().toList();
    }
  }

  private static List<String> processesMentioning(String text) throws Exception {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
          .map(p -> {
            try {
              return new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
            } catch (Exception gone) {
              return "";
            }
          })
          .filter(cmdline -> cmdline.contains(text))
          .toList();
    }
  }
}

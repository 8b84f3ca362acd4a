package io.berth.bench;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import io.berth.storage.Image;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 7: a store holding many containers. How long {@code Runtime.open},
 * {@code lookupContainer} by name and {@code containers()} take, warm in this JVM and cold in a
 * fresh one, and how much heap a runtime with every container's handle keeps.
 */
final class ScaleBench {
  static final String NAME = "scale";

  private ScaleBench() {}

  static void run(Fixtures f) throws Exception {
    Effort e = f.effort;
    int n = e.scaleContainers();
    Path dir = f.ws.dir("scale");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(String.format("scale-%05d", i));
    }

    f.out.printf("  filling a store with %d containers ...%n", n);
    long fill = System.nanoTime();
    try (Runtime runtime = BerthRoot.open(dir, "runc")) {
      Image image = runtime.images().importRootfs(f.busyboxTar(), BerthRoot.IMAGE);
      for (String name : names) {
        runtime.newContainer(ContainerConfig.builder().image(image.id()).name(name)
            .command("/bin/true").build());
      }
    }
    fill = System.nanoTime() - fill;
    f.report.add(Row.value(NAME, "newContainer, mean while filling", "ms", fill / 1e6 / n));

    String open = "Runtime.open, " + n + " containers";
    Map<String, Samples> opens = new Sampler(e.warmups(), e.scaleRepetitions()).measure(List.of(
        new Contender() {
          private Runtime opened;

          @Override
          public String name() {
            return open;
          }

          @Override
          public void run(int round) {
            opened = BerthRoot.open(dir, "runc");
          }

          @Override
          public void after(int round) {
            opened.close();
          }
        }));
    f.report.add(Row.millis(NAME, open, opens.get(open)));

    try (Runtime runtime = BerthRoot.open(dir, "runc")) {
      String list = "containers(), " + n + " containers";
      String lookup = "lookupContainer(name)";
      Map<String, Samples> lookups = new Sampler(e.warmups() * 20, e.scaleRepetitions() * 20)
          .measure(List.of(Contender.of(lookup,
              round -> runtime.lookupContainer(names.get((round * 7919) % n)))));
      f.report.add(Row.micros(NAME, lookup, lookups.get(lookup)));
      Map<String, Samples> lists = new Sampler(e.warmups(), e.scaleRepetitions())
          .measure(List.of(Contender.of(list, round -> {
            if (runtime.containers().size() != n) {
              throw new BenchException("containers() did not return all " + n);
            }
          })));
      f.report.add(Row.millis(NAME, list, lists.get(list)));
    }

    int coldRuns = Math.max(1, e.warmups());
    f.out.printf("  %d fresh JVMs open the store ...%n", coldRuns);
    List<Long> coldOpen = new ArrayList<>();
    List<Long> coldLookup = new ArrayList<>();
    List<Long> coldList = new ArrayList<>();
    long coldHeap = 0;
    for (int i = 0; i < coldRuns; i++) {
      Map<String, String> m = ColdOpen.measure(dir, "runc", names.get(n / 2));
      coldOpen.add(Long.parseLong(m.get("open")));
      coldLookup.add(Long.parseLong(m.get("lookup")));
      coldList.add(Long.parseLong(m.get("list")));
      coldHeap = Math.max(coldHeap, Long.parseLong(m.get("heap")));
    }
    f.report.add(Row.millis(NAME, "fresh JVM: first Runtime.open", Samples.of(coldOpen)));
    f.report.add(Row.millis(NAME, "fresh JVM: first lookupContainer", Samples.of(coldLookup)));
    f.report.add(Row.millis(NAME, "fresh JVM: first containers()", Samples.of(coldList)));
    // Measured in the fresh JVM: this one's heap holds everything the other workloads left.
    f.report.add(Row.value(NAME, "fresh JVM: heap kept by open runtime + all handles", "MB",
        coldHeap / Row.MB));

    double warm = f.report.row(NAME, open).median();
    f.report.target(NAME, "Runtime.open with " + n + " containers < 200 ms (warm JVM)",
        Report.num(warm) + " ms", warm < 200);
    double cold = f.report.row(NAME, "fresh JVM: first Runtime.open").median();
    f.report.target(NAME, "Runtime.open with " + n + " containers < 200 ms (fresh JVM)",
        Report.num(cold) + " ms", cold < 200);

    long removal = System.nanoTime();
    try (Runtime runtime = BerthRoot.open(dir, "runc")) {
      for (Container c : runtime.containers()) {
        runtime.removeContainer(c, false);
      }
      runtime.images().remove(BerthRoot.IMAGE);
    }
    removal = System.nanoTime() - removal;
    f.report.add(Row.value(NAME, "removeContainer, mean while emptying", "ms",
        removal / 1e6 / n));
  }
}

package io.berth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Workload 3: two threads each run N lifecycles of {@code /bin/true} at once, on one Berth
 * runtime (or one raw runtime, or one podman store); the rate is containers per second of wall
 * time for the whole batch.
 */
final class ParallelBench {
  static final String NAME = "parallel";
  static final int THREADS = 2;

  private ParallelBench() {}

  static void run(Fixtures f) {
    Effort e = f.effort;
    int perThread = e.perThread();
    Podman podman = f.podman();
    List<Contender> contenders = new ArrayList<>();
    for (String oci : List.of("runc", "crun")) {
      BerthRoot berth = f.berth(oci);
      contenders.add(batch(berth.label(), perThread, berth::lifecycle));
    }
    for (String oci : List.of("runc", "crun")) {
      RawRuntime raw = f.raw(oci);
      contenders.add(batch(oci + " run", perThread, raw::run));
    }
    contenders.add(batch("podman run --rm", perThread,
        () -> podman.run("run", "--rm", BerthRoot.IMAGE, "/bin/true")));

    int warmups = Math.min(1, e.warmups());
    f.out.printf("  %d warm-up + %d timed batches of %d threads x %d containers, %d contenders%n",
        warmups, e.batches(), THREADS, perThread, contenders.size());
    Map<String, Samples> samples = new Sampler(warmups, e.batches()).measure(contenders);
    samples.forEach((name, s) -> f.report.add(
        Row.rate(NAME, name, s, THREADS * perThread, "containers/s")));
    for (String oci : List.of("runc", "crun")) {
      Row b = f.report.row(NAME, f.berth(oci).label());
      f.report.ratio(b, f.report.row(NAME, oci + " run"), "of " + oci + " run's rate");
      f.report.ratio(b, f.report.row(NAME, "podman run --rm"), "of podman run --rm's rate");
    }
    f.report.note("parallel: N in that table counts batches; each batch is " + THREADS
        + " threads x " + perThread + " containers");
  }

  private static Contender batch(String name, int perThread, Runnable lifecycle) {
    return Contender.of(name, round -> {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          done.add(pool.submit(() -> {
            for (int i = 0; i < perThread; i++) {
              lifecycle.run();
            }
          }));
        }
        for (Future<?> d : done) {
          d.get();
        }
      } catch (ExecutionException ex) {
        throw new BenchException(name + " failed in a parallel batch: " + ex.getCause(),
            ex.getCause());
      } finally {
        pool.shutdownNow();
      }
    });
  }
}

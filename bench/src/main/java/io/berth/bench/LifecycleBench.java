package io.berth.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 1: the whole life of a {@code /bin/true} container, one after another. Berth does
 * create, start, wait for exit, remove; the raw runtimes do {@code run} on a prepared bundle
 * (the floor), and also the separate {@code create}, {@code start}, {@code delete} that any
 * supervised engine needs (the floor for that design); podman does {@code run --rm}, with its
 * default network and without one.
 */
final class LifecycleBench {
  static final String NAME = "lifecycle";
  private static final String[] STEPS = {"create", "start", "waitForExit", "remove"};

  private LifecycleBench() {}

  static void run(Fixtures f) {
    BerthRoot runc = f.berth("runc");
    BerthRoot crun = f.berth("crun");
    RawRuntime rawRunc = f.raw("runc");
    RawRuntime rawCrun = f.raw("crun");
    Podman podman = f.podman();
    Effort e = f.effort;

    StepTimes runcSteps = new StepTimes(e.warmups());
    StepTimes crunSteps = new StepTimes(e.warmups());
    List<Contender> contenders = List.of(
        Contender.of(runc.label(), round -> runcSteps.add(round, runc.lifecycle())),
        Contender.of(crun.label(), round -> crunSteps.add(round, crun.lifecycle())),
        Contender.of("runc run", round -> rawRunc.run()),
        Contender.of("crun run", round -> rawCrun.run()),
        Contender.of("runc create+start+delete", round -> rawRunc.createStartDelete()),
        Contender.of("crun create+start+delete", round -> rawCrun.createStartDelete()),
        Contender.of("podman run --rm", round -> podman.run("run", "--rm", BerthRoot.IMAGE,
            "/bin/true")),
        Contender.of("podman run --rm --network none", round -> podman.run("run", "--rm",
            "--network", "none", BerthRoot.IMAGE, "/bin/true")));
    f.out.printf("  %d warm-up + %d timed rounds of %d contenders%n", e.warmups(),
        e.repetitions(), contenders.size());
    Map<String, Samples> samples = new Sampler(e.warmups(), e.repetitions()).measure(contenders);
    samples.forEach((name, s) -> f.report.add(Row.millis(NAME, name, s)));
    runcSteps.report(f.report, runc.label());
    crunSteps.report(f.report, crun.label());

    for (BerthRoot berth : List.of(runc, crun)) {
      Row b = f.report.row(NAME, berth.label());
      Row floor = f.report.row(NAME, berth.ociRuntime + " run");
      double overFloor = f.report.ratio(b, floor, "of " + floor.contender() + "'s time");
      f.report.target(NAME, berth.label() + " <= 1.3x " + floor.contender(),
          Report.ratio(overFloor), overFloor <= 1.3);
      f.report.ratio(b, f.report.row(NAME, berth.ociRuntime + " create+start+delete"),
          "of the same runtime steps done by hand");
      Row pod = f.report.row(NAME, "podman run --rm");
      double speedup = f.report.ratio(pod, b, "podman run --rm takes this many times as long");
      f.report.target(NAME, berth.label() + " >= 4x faster than podman run --rm",
          Report.ratio(speedup), speedup >= 4);
    }
  }

  /** The kept (post-warm-up) durations of each lifecycle step of one Berth root. */
  private static final class StepTimes {
    private final int warmups;
    private final List<List<Long>> steps = new ArrayList<>();

    StepTimes(int warmups) {
      this.warmups = warmups;
      for (int i = 0; i < STEPS.length; i++) {
        steps.add(new ArrayList<>());
      }
    }

    void add(int round, long[] nanos) {
      if (round >= warmups) {
        for (int i = 0; i < STEPS.length; i++) {
          steps.get(i).add(nanos[i]);
        }
      }
    }

    void report(Report report, String label) {
      for (int i = 0; i < STEPS.length; i++) {
        report.add(Row.millis(NAME + " steps", label + ": " + STEPS[i],
            Samples.of(steps.get(i))));
      }
    }
  }
}

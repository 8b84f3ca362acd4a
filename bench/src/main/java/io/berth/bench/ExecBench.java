package io.berth.bench;

import io.berth.Container;
import io.berth.ExecConfig;
import io.berth.ExecResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Workload 2: {@code /bin/true} exec'd into a running, sleeping container: Berth's
 * {@code exec} (which captures output and records the session) against {@code runc exec},
 * {@code crun exec} and {@code podman exec}.
 */
final class ExecBench {
  static final String NAME = "exec";

  private ExecBench() {}

  static void run(Fixtures f) {
    Effort e = f.effort;
    BerthRoot runc = f.berth("runc");
    BerthRoot crun = f.berth("crun");
    RawRuntime rawRunc = f.raw("runc");
    RawRuntime rawCrun = f.raw("crun");
    Podman podman = f.podman();

    List<Runnable> removals = new ArrayList<>();
    String podmanSleeper = null;
    try {
      List<Contender> contenders = new ArrayList<>();
      for (BerthRoot berth : List.of(runc, crun)) {
        Container c = berth.create("/bin/sleep", "1000000");
        removals.add(() -> berth.runtime.removeContainer(c, true));
        c.start();
        contenders.add(Contender.of(berth.label() + " exec", round -> {
          ExecResult r = c.exec(ExecConfig.of("/bin/true"));
          if (r.exitCode() != 0) {
            throw new BenchException("exec of /bin/true exited with " + r.exitCode());
          }
        }));
      }
      for (RawRuntime raw : List.of(rawRunc, rawCrun)) {
        String id = raw.startSleeper();
        contenders.add(Contender.of(raw.name() + " exec", round -> raw.exec(id)));
      }
      String pod = podman.output("run", "--detach", BerthRoot.IMAGE, "/bin/sleep", "1000000");
      podmanSleeper = pod;
      contenders.add(Contender.of("podman exec", round -> podman.run("exec", pod, "/bin/true")));

      f.out.printf("  %d warm-up + %d timed rounds of %d contenders%n", e.warmups(),
          e.repetitions(), contenders.size());
      Map<String, Samples> samples =
          new Sampler(e.warmups(), e.repetitions()).measure(contenders);
      samples.forEach((name, s) -> f.report.add(Row.millis(NAME, name, s)));
    } finally {
      removals.forEach(Runnable::run);
      if (podmanSleeper != null) {
        podman.run("rm", "--force", "--time", "0", podmanSleeper);
      }
    }

    for (BerthRoot berth : List.of(runc, crun)) {
      Row b = f.report.row(NAME, berth.label() + " exec");
      Row floor = f.report.row(NAME, berth.ociRuntime + " exec");
      double overFloor = f.report.ratio(b, floor, "of " + floor.contender() + "'s time");
      f.report.target(NAME, b.contender() + " <= 1.3x " + floor.contender(),
          Report.ratio(overFloor), overFloor <= 1.3);
      f.report.ratio(f.report.row(NAME, "podman exec"), b,
          "podman exec takes this many times as long");
    }
  }
}

package io.berth.bench;

import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.Runtime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Workload 5: writing the big image's root filesystem as a tar. GNU {@code tar -cf} of the plain
 * directory is the reference (also followed by {@code sync}, since unmounting an overlay syncs
 * its upper filesystem, which holds the output here); Berth {@code export}s a container of the
 * image (through its overlay mount); podman {@code export}s a container of the same image.
 */
final class ExportBench {
  static final String NAME = "export";

  private ExportBench() {}

  static void run(Fixtures f) throws Exception {
    BigImage big = f.big();
    Runtime runtime = f.berth("runc").runtime;
    Podman podman = f.podman();
    Path out = f.ws.root().resolve("export.tar");

    String imageId = runtime.images().load(big.archive()).get(0).id();
    Container c = runtime.newContainer(ContainerConfig.builder().image(imageId)
        .command("/bin/true").build());
    podman.run("load", "--quiet", "--input", big.archive().toString());
    String pod = podman.output("create", BigImage.REFERENCE, "/bin/true");
    try {
      List<Contender> contenders = List.of(
          exporter(f, out, "GNU tar -cf", () -> f.cmd.run("tar", "-cf", out.toString(), "-C",
              big.tree().toString(), ".")),
          exporter(f, out, "GNU tar -cf; sync", () -> {
            f.cmd.run("tar", "-cf", out.toString(), "-C", big.tree().toString(), ".");
            f.sync();
          }),
          exporter(f, out, "Berth export", () -> c.export(out)),
          exporter(f, out, "podman export", () -> podman.run("export", "--output",
              out.toString(), pod)));
      f.out.printf("  1 warm-up + %d timed rounds of %d contenders%n", f.effort.ioRepetitions(),
          contenders.size());
      Map<String, Samples> samples =
          new Sampler(1, f.effort.ioRepetitions()).measure(contenders);
      samples.forEach((name, s) -> f.report.add(Row.throughput(NAME, name, s, big.bytes())));
    } finally {
      runtime.removeContainer(c, true);
      runtime.images().remove(imageId);
      podman.run("rm", "--force", pod);
      podman.run("rmi", BigImage.REFERENCE);
    }
    Row tar = f.report.row(NAME, "GNU tar -cf");
    double share = f.report.ratio(f.report.row(NAME, "Berth export"), tar,
        "of GNU tar's throughput");
    f.report.target(NAME, "Berth export >= 0.8x GNU tar -cf throughput",
        Report.ratio(share), share >= 0.8);
    f.report.ratio(f.report.row(NAME, "GNU tar -cf; sync"), tar, "of GNU tar's throughput");
    f.report.ratio(f.report.row(NAME, "podman export"), tar, "of GNU tar's throughput");
  }

  private static Contender exporter(Fixtures f, Path out, String name, Runnable export) {
    return new Contender() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void before(int round) {
        f.sync();
      }

      @Override
      public void run(int round) {
        export.run();
      }

      @Override
      public void after(int round) throws Exception {
        if (Files.size(out) < 1_000_000) {
          throw new BenchException(name + " wrote only " + Files.size(out) + " bytes");
        }
        Files.delete(out);
      }
    };
  }
}

package io.berth.bench;

import io.berth.CommitOptions;
import io.berth.Container;
import io.berth.Runtime;
import io.berth.storage.Image;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Workload 6: committing a container whose root filesystem got a change of mixed file sizes.
 * The change is copied in (with GNU cp, through the container's mount) before the clock starts;
 * only {@code commit} itself is timed, in Berth and in podman.
 */
final class CommitBench {
  static final String NAME = "commit";

  private CommitBench() {}

  static void run(Fixtures f) throws Exception {
    Path change = f.ws.root().resolve("commit-change");
    int files = FileTree.write(change.resolve("change"), f.effort.commitBytes(), 7);
    BerthRoot berth = f.berth("runc");
    Runtime runtime = berth.runtime;
    Podman podman = f.podman();

    List<Contender> contenders = List.of(
        new Contender() {
          private Container c;
          private Image image;

          @Override
          public String name() {
            return "Berth commit";
          }

          @Override
          public void before(int round) {
            c = berth.create("/bin/true");
            Path rootfs = c.mount();
            f.cmd.run("cp", "-a", change + "/.", rootfs.toString());
            f.sync();
          }

          @Override
          public void run(int round) {
            image = c.commit(CommitOptions.builder()
                .reference("localhost/bench-commit:berth-" + round).build());
          }

          @Override
          public void after(int round) {
            c.unmount();
            runtime.removeContainer(c, true);
            runtime.images().remove(image.id());
          }
        },
        new Contender() {
          private String ctr;

          @Override
          public String name() {
            return "podman commit";
          }

          @Override
          public void before(int round) {
            ctr = podman.output("create", BerthRoot.IMAGE, "/bin/true");
            String rootfs = podman.output("mount", ctr);
            f.cmd.run("cp", "-a", change + "/.", rootfs);
            f.sync();
          }

          @Override
          public void run(int round) {
            podman.run("commit", "--quiet", ctr, "localhost/bench-commit:podman-" + round);
          }

          @Override
          public void after(int round) {
            podman.run("umount", ctr);
            podman.run("rm", ctr);
            podman.run("rmi", "localhost/bench-commit:podman-" + round);
          }
        });
    f.out.printf("  change: %.1f MB in %d files; 1 warm-up + %d timed rounds%n",
        f.effort.commitBytes() / Row.MB, files, f.effort.ioRepetitions());
    Map<String, Samples> samples = new Sampler(1, f.effort.ioRepetitions()).measure(contenders);
    samples.forEach((name, s) -> f.report.add(Row.millis(NAME, name, s)));
    f.report.ratio(f.report.row(NAME, "podman commit"), f.report.row(NAME, "Berth commit"),
        "podman commit takes this many times as long");
    f.ws.delete(change);
  }
}

package io.berth.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.Container;
import io.berth.storage.Store;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Processes competing for one root, and a root with thousands of containers. */
class ConcurrencyFaultTest {
  private static final int ROUNDS = 20;

  @TempDir Path dir;

  @Test
  void newContainer_sameNameFromTwoProcesses_exactlyOneWinsEachRoundNoOrphan() throws Exception {
    try (TestRoot root = new TestRoot(dir)) {
      List<Process> children = new ArrayList<>();
      List<BufferedReader> outputs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-cp", System.getProperty("java.class.path"),
            NameRaceChild.class.getName(), dir.toString(), Integer.toString(ROUNDS))
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
            StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        outputs.add(out);
      }
      for (Process p : children) {
        try (OutputStream in = p.getOutputStream()) {
          in.write("go\n".getBytes(StandardCharsets.UTF_8));
        }
      }
      List<String> won = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        for (String line; (line = outputs.get(i).readLine()) != null; ) {
          if (line.startsWith("won ")) {
            won.add(line.substring(4));
          }
        }
        assertThat(children.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(children.get(i).exitValue()).isZero();
      }

      assertThat(won).hasSize(ROUNDS).doesNotHaveDuplicates();
      List<Container> all = root.runtime.containers();
      assertThat(all).hasSize(ROUNDS);
      root.runtime.close();
      try (Store store = Store.builder().root(dir.resolve("root/storage"))
          .runRoot(dir.resolve("run/storage")).driver("overlay").build()) {
        assertThat(store.containerLayers()).as("no orphan layer").hasSize(ROUNDS);
      }
      root.runtime = root.open();
    }
  }

  @Test
  void manyContainers_2500_noLockPoolFdOrThreadLeak() throws Exception {
    try (TestRoot root = new TestRoot(dir)) {
      // Warm up every code path once, so lazily created pools don't count as leaks.
      root.assertStillWorks();
      long fds = openFds();
      int threads = Thread.activeCount();

      List<Container> created = new ArrayList<>();
      for (int i = 0; i < 2500; i++) {
        created.add(root.runtime.newContainer(io.berth.ContainerConfig.builder()
            .image(TestRoot.IMAGE).name("many-" + i).command("true").build()));
      }
      for (int i = 0; i < 2500; i += 250) {
        Container c = created.get(i);
        c.start();
        assertThat(c.waitForExit()).isZero();
      }
      assertThat(root.runtime.lookupContainer("many-2499").id())
          .isEqualTo(created.get(2499).id());
      assertThat(root.runtime.containers()).hasSize(2500);
      for (Container c : created) {
        root.runtime.removeContainer(c, false);
      }

      assertThat(openFds()).as("file descriptors").isLessThanOrEqualTo(fds + 2);
      assertThat(Thread.activeCount()).as("threads").isLessThanOrEqualTo(threads + 4);
      try (Stream<Path> locks = Files.list(root.runtime.runRoot().resolve("locks"))) {
        assertThat(locks.count()).as("lock files of removed containers").isZero();
      }
      root.assertStillWorks();
    }
  }

  private static long openFds() throws Exception {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}

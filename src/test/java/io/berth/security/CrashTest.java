package io.berth.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.berth.CommitOptions;
import io.berth.Container;
import io.berth.ContainerConfig;
import io.berth.storage.Image;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM killed with SIGKILL in the middle of a layer unpack and of a commit. "In the middle"
 * is an event, not a moment: the child's new layer directory or commit temp file appearing
 * (seen through inotify), with the unpack held open by a fifo fed only half the tar. The next
 * open removes what the dead JVM left, and the store works.
 */
class CrashTest {
  @TempDir Path dir;
  Canary canary;
  SecurityRoot root;
  Path childOutput;

  @BeforeEach
  void open() throws Exception {
    canary = Canary.plant(dir.resolve("canary"));
    root = new SecurityRoot(dir.resolve("berth"), "overlay");
    childOutput = dir.resolve("child.out");
  }

  @AfterEach
  void recovered() throws Exception {
    try {
      canary.assertUnchanged();
      root.assertConsistent();
    } finally {
      root.close();
    }
  }

  private Process child(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
        root.dir.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(childOutput.toFile()).start();
  }

  /** Waits, on inotify events and not on a clock, for a matching name to appear in a dir. */
  private static String await(WatchService watch, Predicate<String> name, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (key == null) {
        break;
      }
      for (WatchEvent<?> e : key.pollEvents()) {
        if (name.test(e.context().toString())) {
          return e.context().toString();
        }
      }
      key.reset();
    }
    throw new AssertionError("nothing matching appeared within " + timeout);
  }

  private static Set<String> entries(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return new HashSet<>(s.map(p -> p.getFileName().toString()).toList());
    }
  }

  /** Kills the child with SIGKILL and checks it had not finished its work. */
  private void kill(Process p) throws Exception {
    p.destroyForcibly();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    assertThat(Files.readString(childOutput, StandardCharsets.UTF_8)).doesNotContain("done");
  }

  @Test
  void importRootfs_jvmKilledDuringLayerUnpack_nextOpenRemovesThePartialLayer()
      throws Exception {
    byte[] noise = new byte[8 << 20];
    new Random(7).nextBytes(noise);
    byte[] tar = Tar.busybox().file("opt/noise", noise, 0644, java.util.Map.of()).bytes();
    Path fifo = dir.resolve("feed");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Path layers = root.storage().resolve("overlay");
    Set<String> before = entries(layers);
    root.closeRuntime();

    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      layers.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      Process p = child("import", fifo.toString(), "localhost/crashed:1");
      try (OutputStream feed = Files.newOutputStream(fifo)) {
        feed.write(tar, 0, tar.length / 2);
        feed.flush();
        String layer = await(watch, n -> n.matches("[0-9a-f]{64}"), Duration.ofSeconds(60));
        kill(p);
        assertThat(entries(layers)).as("the dead JVM's half-unpacked layer").contains(layer);
      } catch (java.io.IOException pipeClosed) {
        // The reader died: what was written is all the child got.
      }
    }

    root.reopen();
    assertThat(entries(layers)).isEqualTo(before);
    assertThat(root.runtime.images().list()).extracting(Image::names)
        .containsExactly(List.of(SecurityRoot.BASE));
    root.importTar(tar, "localhost/crashed:1");
    assertThat(root.run("localhost/crashed:1", "wc", "-c", "/opt/noise").output())
        .isEqualTo(noise.length + " /opt/noise\n");
    root.removeImagesButBase();
  }

  @Test
  void commit_jvmKilledDuringCommit_nextOpenRemovesTheTempFileAndPartialLayer()
      throws Exception {
    Container c = root.runtime.newContainer(ContainerConfig.builder().image(SecurityRoot.BASE)
        .command("dd", "if=/dev/urandom", "of=/big", "bs=1M", "count=48").build());
    c.start();
    assertThat(c.waitForExit(Duration.ofSeconds(60))).hasValue(0);
    Path tmp = root.storage().resolve("tmp");
    Path layers = root.storage().resolve("overlay");
    Set<String> before = entries(layers);
    root.closeRuntime();

    try (WatchService watch = FileSystems.getDefault().newWatchService()) {
      tmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
      Process p = child("commit", c.id(), "localhost/crashed:1");
      await(watch, n -> n.startsWith("commit-"), Duration.ofSeconds(60));
      kill(p);
    }
    assertThat(entries(tmp)).as("the dead JVM's temp file").isNotEmpty();

    root.reopen();
    assertThat(entries(tmp)).isEmpty();
    assertThat(entries(layers)).isEqualTo(before);
    assertThat(root.runtime.images().find("localhost/crashed:1")).isEmpty();
    Container again = root.runtime.lookupContainer(c.id());
    Image image = again.commit(CommitOptions.builder().reference("localhost/crashed:1").build());
    root.runtime.removeContainer(again, true);
    assertThat(root.run(image.id(), "wc", "-c", "/big").output())
        .isEqualTo((48 << 20) + " /big\n");
    root.removeImagesButBase();
  }
}

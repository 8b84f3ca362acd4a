package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading conmon's exit and OOM files, independent of a container. */
class ExitFilesTest {
  @TempDir Path exits;
  @TempDir Path run;

  @Test
  void read_exitFileAndOomMarker_reportedWithFileTime() throws Exception {
    Path file = exits.resolve("c1");
    Files.writeString(file, "137");
    Instant mtime = Instant.parse("2026-03-04T05:06:07Z");
    Files.setLastModifiedTime(file, FileTime.from(mtime));
    assertThat(ExitFiles.read(exits, run, "c1")).contains(
        new ContainerExit(137, mtime, false, Optional.empty()));
    Files.createFile(run.resolve("oom"));
    assertThat(ExitFiles.read(exits, run, "c1").orElseThrow().oomKilled()).isTrue();
    assertThat(ExitFiles.read(exits, run, "other")).isEmpty();
  }

  @Test
  void read_garbageExitFile_rejectedWithPath() throws Exception {
    Files.writeString(exits.resolve("c1"), "not a number");
    assertThatThrownBy(() -> ExitFiles.read(exits, run, "c1"))
        .isInstanceOf(OciException.class).hasMessageContaining(exits.resolve("c1").toString())
        .hasMessageContaining("not a number");
  }

  @Test
  void await_fileAppearsLater_returnsItWithoutWaitingForTimeout() throws Exception {
    Process conmonStandIn = new ProcessBuilder("sleep", "1000").start();
    try {
      HostProcess alive = HostProcess.of((int) conmonStandIn.pid()).orElseThrow();
      assertThat(ExitFiles.await(exits, run, "c1", alive, Duration.ofMillis(100))).isEmpty();
      CompletableFuture<Optional<ContainerExit>> waiting = CompletableFuture.supplyAsync(
          () -> ExitFiles.await(exits, run, "c1", alive, Duration.ofMinutes(5)));
      // Written the way conmon does: a temp file renamed into place.
      Path temp = exits.resolve(".c1.tmp");
      Files.writeString(temp, "3");
      Files.move(temp, exits.resolve("c1"));
      assertThat(waiting.get(30, TimeUnit.SECONDS).orElseThrow().exitCode()).isEqualTo(3);
    } finally {
      conmonStandIn.destroyForcibly();
    }
  }

  @Test
  void await_conmonGoneWithoutFile_unknownWithReason() throws Exception {
    Process conmonStandIn = new ProcessBuilder("sleep", "1000").start();
    HostProcess p = HostProcess.of((int) conmonStandIn.pid()).orElseThrow();
    CompletableFuture<Optional<ContainerExit>> waiting = CompletableFuture.supplyAsync(
        () -> ExitFiles.await(exits, run, "c1", p, Duration.ofMinutes(5)));
    conmonStandIn.destroyForcibly();
    ContainerExit exit = waiting.get(30, TimeUnit.SECONDS).orElseThrow();
    assertThat(exit.exitCode()).isEqualTo(ContainerExit.UNKNOWN);
    assertThat(exit.reason()).get().asString().contains("pid " + p.pid());
  }
}

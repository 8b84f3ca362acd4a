package io.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HostTest {
  @Test
  void hostUlimits_onThisHost_areTheHardLimitsCappedAtPidMax() throws Exception {
    String limits = Files.readString(Path.of("/proc/self/limits"));
    String nofile = limits.lines().filter(l -> l.startsWith("Max open files")).findFirst()
        .orElseThrow().split("\\s{2,}")[2];
    Process cat = new ProcessBuilder("cat", "/proc/sys/kernel/pid_max").start();
    long pidMax = Long.parseLong(new String(cat.getInputStream().readAllBytes()).trim());
    long nprocHard = Long.parseLong(limits.lines().filter(l -> l.startsWith("Max processes"))
        .findFirst().orElseThrow().split("\\s{2,}")[2]);

    var ulimits = Host.hostUlimits();

    assertThat(ulimits.get(0)).isEqualTo("nofile=" + nofile + ":" + nofile);
    long nproc = Math.min(pidMax, nprocHard);
    assertThat(ulimits.get(1)).isEqualTo("nproc=" + nproc + ":" + nproc);
  }

  @Test
  void problems_onThisCiHost_noneMissing() {
    assertThat(Host.problems()).isEmpty();
  }
}

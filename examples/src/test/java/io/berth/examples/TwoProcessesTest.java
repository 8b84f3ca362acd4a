package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TwoProcessesTest {
  @Test
  void main_secondJvm_findsTheRunningContainerAndReadsItsExitCode() throws Exception {
    ExampleRun run = ExampleRun.of(TwoProcesses.class);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    String name = run.find("\\[JVM 1\\] Started container (\\S+) ");
    assertThat(run.stdout())
        .contains("[JVM 1] exited with 0")
        .contains("[JVM 2] Found container " + name + ", started by another JVM: RUNNING.")
        .contains("[JVM 2] Exit code: " + TwoProcesses.EXIT_CODE)
        .contains("[JVM 2] exited with 0");
    assertThat(DefaultRoot.hasContainer(name)).isFalse();
  }

  @Test
  void main_waitForAnUnknownName_saysNoSuchContainer() throws Exception {
    ExampleRun run = ExampleRun.of(TwoProcesses.class, "wait", "no-such-container-4711");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr()).contains("Berth could not run the example:")
        .contains("no-such-container-4711");
  }
}

package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExecAndLogsTest {
  @Test
  void main_onThisHost_followsTheLogExecsAndStopsOnSigterm() throws Exception {
    ExampleRun run = ExampleRun.of(ExecAndLogs.class);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout())
        .contains("log: tick 3")
        .contains("exec ran `echo hello from exec; id -un`: exit code 0, output hello from exec"
            + " | root")
        .contains("log: written by exec into the main output")
        .contains("log: got SIGTERM, exiting")
        .contains("Exit code: 0");
    String name = run.find("Started container (\\S+):");
    assertThat(DefaultRoot.hasContainer(name)).as("container %s removed", name).isFalse();
  }
}

package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchOperationsTest {
  @Test
  void main_onThisHost_startsInOneBatchAndStopsInAnother() throws Exception {
    ExampleRun run = ExampleRun.of(BatchOperations.class);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout())
        .contains("Inside the batch, removing the container is refused")
        .contains("One batch did init, start and inspect: state RUNNING")
        .contains("state() call returned only after the batch ended: true")
        .contains("stopped it (SIGKILL) and read its exit code: 137");
    assertThat(DefaultRoot.hasContainer(run.find("Created container (\\S+) "))).isFalse();
  }
}

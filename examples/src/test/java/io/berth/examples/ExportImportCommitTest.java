package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExportImportCommitTest {
  @Test
  void main_onThisHost_bothNewImagesShowTheChangeAndAreRemoved() throws Exception {
    ExampleRun run = ExampleRun.of(ExportImportCommit.class);

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout())
        .contains("2 layers (busybox's plus the change), Cmd [cat, /etc/motd]")
        .contains("a container of the committed image says: Hello from a changed container")
        .contains("localhost/examples:imported: 1 layer")
        .contains("a container of the imported image says: Hello from a changed container");
    assertThat(DefaultRoot.hasContainer(run.find("Container (\\S+) wrote"))).isFalse();
    assertThat(DefaultRoot.image("localhost/examples:committed")).isEmpty();
    assertThat(DefaultRoot.image("localhost/examples:imported")).isEmpty();
  }
}

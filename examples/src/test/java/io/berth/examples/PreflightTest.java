package io.berth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PreflightTest {
  @ParameterizedTest
  @ValueSource(classes = {HelloContainer.class, ExecAndLogs.class, ExportImportCommit.class,
      BatchOperations.class, TwoProcesses.class})
  void main_withoutRuntimeAndConmonOnPath_namesWhatToInstallAndExits2(Class<?> example)
      throws Exception {
    ExampleRun run = ExampleRun.withEnv(Map.of("PATH", "/nonexistent"), example);

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.stderr())
        .contains("This host cannot run the example yet:")
        .contains("no OCI runtime: install one with `apt-get install runc`")
        .contains("conmon is missing: install it with `apt-get install conmon`")
        .doesNotContain("Exception");
    assertThat(run.stdout()).isEmpty();
  }
}

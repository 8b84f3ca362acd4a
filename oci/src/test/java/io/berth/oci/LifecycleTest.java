package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LifecycleTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void exit_processExits42_exitFileHas42(String runtime) throws Exception {
    try (TestContainers t = new TestContainers(runtime, tmp)) {
      TestContainers.Handle h = t.run("sh", "-c", "exit 42");
      assertThat(h.awaitExit().exitCode()).isEqualTo(42);
    }
  }
}

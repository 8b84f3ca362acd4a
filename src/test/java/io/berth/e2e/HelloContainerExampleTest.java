package io.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command works as written: the HelloContainer example, run from the module
 * path that the examples module packages, runs a real container on the default root.
 */
class HelloContainerExampleTest {
  private static final Path MODULES = Path.of("examples", "target", "modules");

  @Test
  void helloContainer_onTheModulePath_printsTheContainersLineAndExitCode() throws Exception {
    assertThat(MODULES).as("packaged by the examples module").isDirectory();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Process p = new ProcessBuilder(List.of(java.toString(), "-p", MODULES.toString(), "-m",
        "io.berth.examples/io.berth.examples.HelloContainer"))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("container says: Hello from a Berth container!")
        .contains("Exit code: 0");
    assertThat(Files.exists(Path.of("/var/lib/berth/state.db"))).isTrue();
  }
}

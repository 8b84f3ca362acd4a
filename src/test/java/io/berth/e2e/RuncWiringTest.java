package io.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.testkit.BusyboxImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host pieces Berth drives are present and work together: an OCI runtime runs the testkit's
 * busybox rootfs, and conmon answers. Later suites go through Berth's own API.
 */
class RuncWiringTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"runc", "crun"})
  void run_busyboxBundle_printsOutputAndReturnsExitCode(String runtime) throws Exception {
    Path bundle = work.resolve("bundle");
    BusyboxImage.standard().writeRootfs(bundle.resolve("rootfs"));
    writeConfig(runtime, bundle, List.of("/bin/sh", "-c", "echo hello from $(uname -s); exit 42"));

    Result result = exec(List.of(runtime, "--root", work.resolve("state").toString(), "run",
        "--bundle", bundle.toString(), "wiring-" + UUID.randomUUID()));

    assertThat(result.stdout).isEqualTo("hello from Linux\n");
    assertThat(result.exitCode).as("exit code; stderr: %s", result.stderr).isEqualTo(42);
  }

  @Test
  void conmon_isInstalled_reportsItsVersion() throws Exception {
    Result result = exec(List.of("conmon", "--version"));

    assertThat(result.exitCode).isZero();
    assertThat(result.stdout).startsWith("conmon version ");
  }

  /** Starts from the runtime's own default spec and changes only what this test needs. */
  private static void writeConfig(String runtime, Path bundle, List<String> args)
      throws Exception {
    Result spec = exec(List.of(runtime, "spec", "--bundle", bundle.toString()));
    assertThat(spec.exitCode).as("%s spec: %s", runtime, spec.stderr).isZero();
    Path configFile = bundle.resolve("config.json");
    ObjectNode config = (ObjectNode) JSON.readTree(configFile.toFile());
    ObjectNode process = (ObjectNode) config.get("process");
    process.put("terminal", false);
    ArrayNode argv = process.putArray("args");
    args.forEach(argv::add);
    ((ObjectNode) config.get("root")).put("path", "rootfs");
    JSON.writeValue(configFile.toFile(), config);
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private static Result exec(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("wiring-", ".out");
    Path err = Files.createTempFile("wiring-", ".err");
    try {
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in 60 s");
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}

package io.berth.oci.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.berth.oci.HostProcess;
import io.berth.oci.OciRuntimeException;
import io.berth.oci.Signals;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands run by the spawn path that runtime calls use, with host tools as the commands. */
class CommandRunnerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void run_stdinAndOutputs_fedAndKeptApart() {
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c",
        "tr a-z A-Z; echo to-err >&2; seq 1 100000 | wc -l; exit 3"),
        new ByteArrayInputStream("abc\n".getBytes(StandardCharsets.UTF_8)), TIMEOUT);
    assertThat(r.stdoutText()).isEqualTo("ABC\n100000\n");
    assertThat(r.stderrText()).isEqualTo("to-err\n");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.timedOut()).isFalse();
  }

  @Test
  void run_commandIgnoresStdin_feedingStopsWithoutError() {
    byte[] big = new byte[4 * 1024 * 1024];
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c", "echo skipped"),
        new ByteArrayInputStream(big), TIMEOUT);
    assertThat(r.stdoutText()).isEqualTo("skipped\n");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void run_noStdin_readsEndOfFile() {
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c", "cat; echo done"), null,
        TIMEOUT);
    assertThat(r.stdoutText()).isEqualTo("done\n");
  }

  @Test
  void run_killedBySignal_exitCodeIs128PlusSignal() {
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c", "kill -9 $$"), null,
        TIMEOUT);
    assertThat(r.exitCode()).isEqualTo(137);
  }

  @Test
  void run_longerThanTimeout_killedAndReported() {
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c", "echo $$; exec sleep 1000"),
        null, Duration.ofMillis(300));
    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(HostProcess.of(Integer.parseInt(r.stdoutText().strip()))).isEmpty();
  }

  @Test
  void run_backgroundChildKeepsPipes_returnsWhenCommandExits() {
    CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c",
        "sleep 1000 & echo $!"), null, TIMEOUT);
    HostProcess background = HostProcess.of(Integer.parseInt(r.stdoutText().strip()))
        .orElseThrow();
    try {
      assertThat(r.exitCode()).isZero();
      assertThat(r.timedOut()).isFalse();
    } finally {
      background.signal(Signals.SIGKILL);
    }
  }

  @Test
  void run_threadInterrupted_killsCommandAndKeepsInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> CommandRunner.run(List.of("/bin/sleep", "1000"), null, TIMEOUT))
          .isInstanceOf(OciRuntimeException.class)
          .hasMessageContaining("interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void run_missingBinary_saysWhatToCheck() {
    assertThatThrownBy(() -> CommandRunner.run(List.of("/no/such/runtime", "state"), null,
        TIMEOUT))
        .isInstanceOf(OciRuntimeException.class)
        .hasMessageContaining("/no/such/runtime")
        .hasMessageContaining("installed and executable");
  }
}

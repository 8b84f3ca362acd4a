package io.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostProcessTest {
  @Test
  void signal_pidReusedByAnotherProcess_notSignalled() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    try {
      HostProcess real = HostProcess.of((int) sleeper.pid()).orElseThrow();
      // The same pid with another start time stands for a recorded process whose pid was reused.
      HostProcess stale = new HostProcess(real.pid(), real.startTime() - 1);
      assertThat(stale.isAlive()).isFalse();
      assertThat(stale.signal(Signals.SIGKILL)).isFalse();
      assertThat(stale.awaitExit(Duration.ofSeconds(5))).isTrue();
      assertThat(sleeper.isAlive()).isTrue();
      assertThat(real.isAlive()).isTrue();
      assertThat(real.awaitExit(Duration.ofMillis(50))).isFalse();
      assertThat(real.signal(Signals.SIGKILL)).isTrue();
      assertThat(sleeper.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(real.isAlive()).isFalse();
      assertThat(real.signal(Signals.SIGKILL)).isFalse();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void of_noSuchPid_empty() {
    assertThat(HostProcess.of(Integer.MAX_VALUE)).isEmpty();
    assertThat(HostProcess.of(0)).isEmpty();
  }
}
